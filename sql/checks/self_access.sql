-- id: self_access
-- category: self
-- level: event
-- scope: events
-- severity: high
-- title_fi: Oman asiakastiedon katselu
-- title_en: Self-access
-- legal_basis: asiakastietolaki 703/2023 9 §; hallintolaki 434/2003 28 § (esteellisyys)
-- description: The staff member's personal identity code equals the client's: a worker opened their own
--   record through their work account.
--   (same_person: sql/checks/_access_context.sql, resolved once per account-client-day.)
-- false_positives: Rare: a test of the system on one's own record, which is still not allowed.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('match', 'personal_id') AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE same_person
