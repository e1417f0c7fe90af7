-- title: the benchmark phases' own queries (pipelines/benchmarks/phases.py)
-- description: Baselines (a bare read of the CSV files, a bare aggregation, a bare copy of the events table,
--   a bare scan), the look-ups that pick what a phase measures (the busiest client, a typical client) and the
--   counts a phase reports. Nothing here is used by the pipeline itself.

-- step: reference_count
SELECT count(*) FROM ref_accounts

-- step: events_count
SELECT count(*) FROM events

-- step: bare_read
-- one read_csv over the files (types detected): the baseline of every ingest figure
CREATE OR REPLACE TABLE bare AS SELECT * FROM read_csv($files, header = true, union_by_name = true)

-- step: bare_count
SELECT count(*) FROM bare

-- step: bare_aggregation
SELECT account, count(*), count(DISTINCT client_id) FROM events GROUP BY account

-- step: bare_copy
-- the floor of any step that carries every event's columns once (the check's per-event context)
CREATE TEMP TABLE bare_copy AS SELECT * EXCLUDE (raw) FROM events

-- step: bare_scan
SELECT count(*), max(length(document)), max(record_no) FROM events WHERE client_id <> ''

-- step: busiest_personal_client
-- the client with the most events among those with a personal involvement row (the retro-dated change's row)
SELECT i.client_id FROM ref_involvement i
JOIN (SELECT client_id, count(*) AS n FROM events GROUP BY 1) e USING (client_id)
WHERE i.staff_id IS NOT NULL ORDER BY e.n DESC, 1 LIMIT 1

-- step: busiest_client
SELECT client_id, count(*) FROM events WHERE client_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1

-- step: median_client
-- a typical request: the client at the median of events per client
SELECT client_id, n FROM (
    SELECT client_id, count(*) AS n FROM events WHERE client_id IS NOT NULL GROUP BY 1
) ORDER BY n, client_id LIMIT 1 OFFSET (SELECT count(DISTINCT client_id) // 2 FROM events)

-- step: published_counts
SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM findings), (SELECT count(*) FROM scores)
