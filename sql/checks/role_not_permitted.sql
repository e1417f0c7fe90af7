-- id: role_not_permitted
-- category: role
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Rooli ei salli toimintoa
-- title_en: Role does not permit it
-- legal_basis: asiakastietolaki 703/2023 9 § (käyttöoikeudet työtehtävien mukaan); STM:n asetus 825/2022
-- description: No role_permissions row grants the staff role this action on this service task (or on
--   every task, `*`); the permission's action must be the event's action or `*`.
-- false_positives: A role's rights extended in the client system but not yet in role_permissions.csv;
--   a service task code the permission table spells differently.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('role', role, 'service_task', service_task, 'action', action) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE NOT perm_any
