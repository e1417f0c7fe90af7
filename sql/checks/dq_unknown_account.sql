-- id: dq_unknown_account
-- category: data_quality
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Tuntematon käyttäjätunnus
-- title_en: Unknown account
-- legal_basis: 703/2023 9 § 3 mom (the provider keeps a register of users and their rights); seed 003 §13A
-- description: Gate 1. The event's account maps to no staff_id in accounts.csv, or that staff_id is not in
--   staff.csv (an empty account maps to nobody), so nobody can be held to the access. Access events only.
-- false_positives: A new employee whose account was created before the register was updated; a technical
--   or integration account missing from accounts.csv. Fix the reference data and re-run the check.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('reason', CASE WHEN staff_id IS NULL THEN 'account_not_mapped' ELSE 'staff_not_registered' END) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_ctx
WHERE gate_unknown_account
    -- Lokivahti's own users: an unmapped one is a configuration error reported by the own-log import
    -- (pipelines/ingest/applog.py), not a finding on every look-up they make
    AND source_system <> 'lokivahti'
