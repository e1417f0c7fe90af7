-- id: coworker_access
-- category: coworker
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Työtoverin tietojen katselu
-- title_en: Co-worker's record
-- legal_basis: asiakastietolaki 703/2023 9 §
-- description: The client is also a staff member (their personal_id is in staff.csv), not the worker
--   themself, and the worker has no personal involvement with them on the date.
-- false_positives: A colleague who is a genuine client of the worker's unit (unit involvement is not
--   enough here by design); occupational social work.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('client_is_staff', true) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE client_is_other_staff AND NOT same_person AND NOT explained
