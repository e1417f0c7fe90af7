-- title: summarise the events of ingest runs $first_run..$last_run (sql/schema/010_event_summaries.sql)
-- description: Run inside the ingest transaction that stored the events, after they are stored. The runs'
--   earlier rows are replaced, not added to, so summarising a run twice counts its events once. The events are
--   found by run_id: runs are numbered in the order they are stored, so DuckDB's zone maps skip every row
--   group of older runs and the cost follows the new events, not the store.

-- step: forget_sources
DELETE FROM source_day_counts WHERE run_id BETWEEN $first_run AND $last_run;

-- step: source_days
INSERT INTO source_day_counts
SELECT e.run_id, e.source_system, e.event_date,
    CASE WHEN r.started_at IS NULL THEN NULL
         WHEN epoch_us(e.event_time) <= epoch_us(r.started_at) THEN 0
         ELSE (epoch_us(e.event_time) - epoch_us(r.started_at) + 59999999) // 60000000 END AS ahead_minutes,
    count(*) AS events
FROM events e LEFT JOIN ingest_runs r USING (run_id)
WHERE e.run_id BETWEEN $first_run AND $last_run
GROUP BY ALL;

-- step: forget_account_days
DELETE FROM account_client_days WHERE run_id BETWEEN $first_run AND $last_run;

-- step: account_days
INSERT INTO account_client_days
SELECT run_id, source_system, account, client_id, event_date, count(*) AS events
FROM events WHERE run_id BETWEEN $first_run AND $last_run
GROUP BY ALL;
