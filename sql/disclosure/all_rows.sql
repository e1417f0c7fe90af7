-- title: every client's events of one date window, with basis and findings, as the input of one piece of the copy's build
-- description: Same columns as client_rows_live.sql, for the events that name a client and fall in the window
--   getvariable('disclosure_from') .. getvariable('disclosure_to') (set by pipelines/disclosure/index.py per
--   window: both are constants to DuckDB, so the scans of events and explanations, stored in date order, skip
--   every row group outside the window and the build's peak does not grow with the store). finding_ids come
--   from disclosure_build.findings (client_index.sql, step `build_findings`: the lawfulness findings'
--   events, a small share of the store, listed once per build in the build's scratch database). finding_ids are the findings that
--   question the access's lawfulness: a log-quality or data-quality finding (a duplicate, clock skew, an
--   unknown account) says nothing about whether the use was lawful, so it never makes a row "under review". A
--   personal identity code logged in lower case is the client's all the same (upper-cased here, as
--   pipelines/identity.py and the ingest normaliser do).
CREATE OR REPLACE TEMP VIEW disclosure_rows AS
WITH x AS (
    -- an explanation names its event by ingest run and record (sql/schema/015_explanations_by_record.sql)
    SELECT run_id, record_no, min(basis) AS basis FROM explanations
    WHERE event_date BETWEEN getvariable('disclosure_from') AND getvariable('disclosure_to')
    GROUP BY ALL
)
SELECT e.source_system, e.source_event_id, e.event_time, e.event_local, e.event_date, e.account,
    CASE WHEN regexp_full_match(e.client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
         THEN upper(e.client_id) ELSE e.client_id END AS client_id,
    e.action, e.service_task, e.document, e.purpose, e.emergency, e.channel, e.organisation_id, e.unit_id,
    e.controller_id, e.recipient_organisation_id, e.outcome, e.legal_basis, e.data_description, x.basis,
    fe.finding_ids
FROM events e
LEFT JOIN x USING (run_id, record_no)
LEFT JOIN disclosure_build.findings fe USING (source_system, source_event_id)
WHERE e.client_id IS NOT NULL
  AND e.event_date BETWEEN getvariable('disclosure_from') AND getvariable('disclosure_to');
