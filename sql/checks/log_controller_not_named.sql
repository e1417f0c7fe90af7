-- id: log_controller_not_named
-- category: log_completeness
-- level: key
-- scope: full
-- severity: low
-- title_fi: Lähde ei kerro rekisterinpitäjää
-- title_en: Source does not name the controller
-- legal_basis: asiakastietolaki 703/2023 10 § 2 mom (palvelunantaja, jonka tietoja käytettiin)
-- description: A source system whose events about a client do not name the controller: the store assumed its
--   configured home controller so that the rules could judge them, but the log itself lacks it. One finding
--   per source (key = source system), with the number of such events and their first and last date, so that
--   the fault is fixed once at the source (or stated as a constant in its mapping file) instead of being
--   repeated on every event.
-- false_positives: A system that only ever holds one controller's data, whose mapping should then state the
--   controller as a constant.
SELECT source_system AS finding_key, source_system, NULL AS account, NULL AS staff_id, NULL AS client_id,
    NULL AS organisation_id, NULL AS unit_id, NULL::TIMESTAMPTZ AS first_time, NULL::TIMESTAMPTZ AS last_time,
    NULL::DATE AS event_date,
    json_object('events', count(*), 'first_date', min(event_date), 'last_date', max(event_date)) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM events
WHERE controller_defaulted AND client_id IS NOT NULL AND source_system <> 'lokivahti'
GROUP BY source_system
