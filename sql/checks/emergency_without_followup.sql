-- id: emergency_without_followup
-- category: emergency
-- level: event
-- scope: events
-- severity: high
-- title_fi: Hätäkäyttö ilman jatkoa
-- title_en: Emergency access without follow-up
-- legal_basis: asiakastietolaki 703/2023 9 §
-- description: County staff used emergency access (purpose emergency or the emergency flag) and had no
--   personal or unit involvement with the client on any day of [event date, event date +
--   emergency_followup_days].
-- false_positives: The client was handed to another unit, whose involvement is recorded instead.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('followup_days', CAST($emergency_followup_days AS INTEGER)) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE NOT is_provider AND is_emergency AND NOT followed_up
