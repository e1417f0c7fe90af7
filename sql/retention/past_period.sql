-- title: what is past its retention period (pipelines/retention.py)
-- description: Log data is kept 12 years from the event (703/2023 annex); counted here from the end of
--   the event's year, so a whole year's logs go together. Parameters: $events_years, $today.
--   Quarantined records have no trusted time: their ingest run's start stands for it. Findings go with
--   the last of their events; explanations with their event.
-- step: expired_events
CREATE OR REPLACE TEMP TABLE expired_events AS
SELECT source_system, source_event_id, run_id, record_no  -- the source's key, and the explanations' (ingest run, record)
FROM events
WHERE make_date(year(event_local) + 1 + $events_years, 1, 1) <= $today;

-- step: expired_quarantine_runs
CREATE OR REPLACE TEMP TABLE expired_quarantine_runs AS
SELECT run_id FROM ingest_runs
WHERE make_date(year(started_at) + 1 + $events_years, 1, 1) <= $today;

-- step: expired_findings
CREATE OR REPLACE TEMP TABLE expired_findings AS
SELECT finding_id FROM findings f
WHERE event_count > 0 AND NOT EXISTS (
    SELECT 1 FROM finding_events fe
    WHERE fe.finding_id = f.finding_id
      AND (fe.source_system, fe.source_event_id) NOT IN (SELECT (source_system, source_event_id) FROM expired_events));

-- step: summary
CREATE OR REPLACE TEMP TABLE retention_summary AS
SELECT 'events' AS what, (SELECT count(*) FROM expired_events) AS past_period,
       (SELECT min(event_local)::DATE FROM events WHERE (source_system, source_event_id) IN (SELECT (source_system, source_event_id) FROM expired_events)) AS oldest
UNION ALL
SELECT 'quarantined records', (SELECT count(*) FROM quarantine WHERE run_id IN (SELECT run_id FROM expired_quarantine_runs)),
       (SELECT min(started_at)::DATE FROM ingest_runs WHERE run_id IN (SELECT run_id FROM expired_quarantine_runs) AND run_id IN (SELECT run_id FROM quarantine))
UNION ALL
SELECT 'findings', (SELECT count(*) FROM expired_findings),
       (SELECT min(event_date) FROM findings WHERE finding_id IN (SELECT finding_id FROM expired_findings));
