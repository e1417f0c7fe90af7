-- title: the events of the client-days a check touched, with basis and findings, as the input of the copy's update
-- description: The same columns and values as all_rows.sql, for the events of the (client, day) pairs in the temp
--   table disclosure_touched (client_id already upper-cased when it is a personal identity code, as all_rows.sql
--   does). pipelines/disclosure/index.py update_client_index reads it once to replace those client-days in the
--   client-sorted copy. Only the touched days' events and explanations are read (both are stored in date order,
--   so DuckDB skips every other row group); the findings are joined on the touched events' keys.
CREATE OR REPLACE TEMP VIEW disclosure_rows AS
WITH ev AS (
    SELECT e.*,
        CASE WHEN regexp_full_match(e.client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
             THEN upper(e.client_id) ELSE e.client_id END AS norm_client_id
    FROM events e
    WHERE e.client_id IS NOT NULL AND e.event_date IN (SELECT DISTINCT event_date FROM disclosure_touched)
      -- a cheap necessary condition first: the normalised id only upper-cases, so a touched client's event has
      -- the same upper-cased id; the exact (client, day) match follows in `touched`
      AND upper(e.client_id) IN (SELECT DISTINCT upper(client_id) FROM disclosure_touched)
), touched AS (
    SELECT ev.* FROM ev SEMI JOIN disclosure_touched t
      ON t.client_id = ev.norm_client_id AND t.event_date = ev.event_date
), fe AS (
    SELECT fe.source_system, fe.source_event_id, list(DISTINCT fe.finding_id ORDER BY fe.finding_id) AS finding_ids
    FROM finding_events fe JOIN findings f USING (finding_id)
    SEMI JOIN touched t ON t.source_system = fe.source_system AND t.source_event_id = fe.source_event_id
    WHERE f.category NOT IN ('data_quality', 'log_completeness')
    GROUP BY ALL
), x AS (
    -- only the touched events' explanations are grouped (a retro-dated change can touch a few clients on
    -- every day of the year: grouping all those days' explanations cost what the whole day range holds)
    -- (an explanation names its event by ingest run and record: sql/schema/015_explanations_by_record.sql)
    SELECT run_id, record_no, min(basis) AS basis FROM explanations ex
    SEMI JOIN touched t ON t.run_id = ex.run_id AND t.record_no = ex.record_no
    WHERE ex.event_date IN (SELECT DISTINCT event_date FROM disclosure_touched)
    GROUP BY ALL
)
SELECT e.source_system, e.source_event_id, e.event_time, e.event_local, e.event_date, e.account,
    e.norm_client_id AS client_id,
    e.action, e.service_task, e.document, e.purpose, e.emergency, e.channel, e.organisation_id, e.unit_id,
    e.controller_id, e.recipient_organisation_id, e.outcome, e.legal_basis, e.data_description, x.basis,
    fe.finding_ids
FROM touched e
LEFT JOIN x USING (run_id, record_no)
LEFT JOIN fe USING (source_system, source_event_id);
