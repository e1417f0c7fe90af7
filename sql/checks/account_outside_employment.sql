-- id: account_outside_employment
-- category: employment
-- level: event
-- scope: events
-- severity: high
-- title_fi: Käyttö palvelussuhteen ulkopuolella
-- title_en: Account used outside employment
-- legal_basis: asiakastietolaki 703/2023 9 § 3 mom (käyttäjärekisteri ja käyttöoikeudet)
-- description: Gate 2. An access event whose staff member has no staff row in force on the event date
--   (before the first day or after the last day of employment). A period includes its first and last day.
-- false_positives: An employment extension not yet entered in staff.csv; a start date entered late.
--   Check the HR record before concluding.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    coalesce(staff_org, last_org, event_org) AS organisation_id, coalesce(staff_unit, last_unit, event_unit) AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('periods', (SELECT list(json_object('valid_from', s.valid_from, 'valid_to', s.valid_to))
                            FROM ref_staff s WHERE s.staff_id = c.staff_id)) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_ctx c
WHERE gate_outside_employment
