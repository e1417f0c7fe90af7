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
-- The staff row's last organisation and unit (what a former worker's access is shown under) come from the
-- account-client-day (chk_acd), fetched for the gated events only.
SELECT c.source_system || '|' || c.source_event_id AS finding_key, c.source_system, c.account, c.staff_id, c.client_id,
    coalesce(c.staff_org, a.last_org, c.event_org) AS organisation_id,
    coalesce(c.staff_unit, a.last_unit, c.event_unit) AS unit_id, c.event_time AS first_time, c.event_time AS last_time,
    c.event_date,
    json_object('periods', (SELECT list(json_object('valid_from', s.valid_from, 'valid_to', s.valid_to))
                            FROM ref_staff s WHERE s.staff_id = c.staff_id)) AS evidence,
    [{'source_system': c.source_system, 'source_event_id': c.source_event_id}] AS events
FROM (SELECT * FROM chk_ctx WHERE gate_outside_employment) c
JOIN chk_acd a ON a.acd = c.acd
