-- id: involvement_missing
-- category: involvement
-- level: event
-- scope: events
-- severity: high
-- title_fi: Ei osallistumista asiakkaan asian käsittelyyn
-- title_en: No case involvement
-- legal_basis: asiakastietolaki 703/2023 9 § (käyttö vain työtehtävän ja asiakassuhteen tai muun tehtävän perusteella)
-- description: County staff read, searched, printed, exported or disclosed a client's data with no personal
--   or unit involvement on the event date, where the role's permission requires involvement (and no
--   permission row waives it). Emergency accesses are judged by emergency_without_followup instead.
-- false_positives: Involvement recorded late in the client system; a substitute covering a colleague;
--   a unit reorganisation not yet in staff.csv. Ask the unit for the case assignment on that date.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('role', role, 'service_task', service_task, 'action', action, 'unit_id', staff_unit) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE NOT is_provider AND action IN ('read', 'search', 'print', 'export', 'disclose') AND NOT is_emergency
  AND perm_requires AND NOT perm_free AND NOT involved AND NOT statutory
