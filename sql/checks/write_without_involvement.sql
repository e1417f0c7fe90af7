-- id: write_without_involvement
-- category: write
-- level: event
-- scope: events
-- severity: critical
-- title_fi: Kirjaus ilman osallistumista asiakkaan asiaan
-- title_en: Writing without involvement
-- legal_basis: asiakastietolaki 703/2023 9 §
-- description: As involvement_missing, but the county staff member created, updated or deleted the
--   client's records. Graver than reading: records changed by someone with no part in the case.
-- false_positives: A records secretary entering dictated notes for another worker; a data migration
--   run under a personal account.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('role', role, 'service_task', service_task, 'action', action, 'unit_id', staff_unit) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE NOT is_provider AND action IN ('create', 'update', 'delete') AND NOT is_emergency
  AND perm_requires AND NOT perm_free AND NOT involved AND NOT statutory
