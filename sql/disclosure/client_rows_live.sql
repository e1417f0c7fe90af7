-- title: one client's events in a period, with basis and findings, read from the live tables
-- description: Used when the client-sorted copy is missing or stale, and by `lokivahti bench` as the naive
--   answer the copy is measured against (pipelines/disclosure/answer.py answer_events_live). Same columns as
--   all_rows.sql (lawfulness findings only; see there). Parameters: $client_id (normalised, upper case),
--   $date_from, $date_to (Helsinki calendar dates). A code logged in lower case is matched too.
CREATE OR REPLACE TEMP TABLE disclosure_rows AS
WITH ev AS (
    SELECT source_system, source_event_id, run_id, record_no, event_time, event_local, event_date, account, client_id,
        action,
        service_task, document, purpose, emergency, channel, organisation_id, unit_id, controller_id,
        recipient_organisation_id, outcome, legal_basis, data_description
    FROM (SELECT * REPLACE ($client_id AS client_id) FROM events
          WHERE client_id IN ($client_id, lower($client_id)) AND event_date BETWEEN $date_from AND $date_to)
), fe AS (
    SELECT f.source_system, f.source_event_id, list(DISTINCT f.finding_id ORDER BY f.finding_id) AS finding_ids
    FROM finding_events f SEMI JOIN ev USING (source_system, source_event_id)
    JOIN findings USING (finding_id)
    WHERE findings.category NOT IN ('data_quality', 'log_completeness')
    GROUP BY ALL
), x AS (
    -- an explanation names its event by ingest run and record (sql/schema/015_explanations_by_record.sql)
    SELECT run_id, record_no, min(basis) AS basis
    FROM explanations WHERE client_id IN ($client_id, lower($client_id))
    GROUP BY ALL
)
SELECT ev.* EXCLUDE (run_id, record_no), x.basis, fe.finding_ids
FROM ev
LEFT JOIN x USING (run_id, record_no)
LEFT JOIN fe USING (source_system, source_event_id);
