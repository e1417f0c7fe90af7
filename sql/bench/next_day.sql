-- title: one new day of events for the incremental-check benchmark (benchmarks only)
-- description: The busiest day of the store, moved one day later, with new ids (`<id>~next`), as a canonical
--   event CSV's rows: what a nightly ingest of a busy day adds. The caller COPYs bench_next_day to a file,
--   ingests it and times the check that follows (which must examine only the new day and its margin).

-- step: next_day
CREATE OR REPLACE TEMP TABLE bench_next_day AS
WITH busiest AS (SELECT event_date FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1)
SELECT e.source_system, e.source_event_id || '~next' AS source_event_id,
    strftime(timezone('UTC', e.event_time) + INTERVAL 1 DAY, '%Y-%m-%dT%H:%M:%S.%fZ') AS event_time,
    e.account, e.client_id, e.action, e.service_task, e.document, e.purpose,
    CASE WHEN e.emergency THEN 'true' ELSE 'false' END AS emergency,
    e.channel, e.organisation_id, e.controller_id, e.recipient_organisation_id, e.outcome,
    e.session_id, e.search_criteria, e.record_count
FROM events e SEMI JOIN busiest b USING (event_date)
ORDER BY e.event_time, e.source_system, e.source_event_id;
