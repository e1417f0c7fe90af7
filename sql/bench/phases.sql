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
CREATE OR REPLACE TEMP TABLE bare_copy AS SELECT * EXCLUDE (raw) FROM events

-- step: drop_bare_copy
DROP TABLE IF EXISTS bare_copy

-- step: bare_scan
SELECT count(*), max(length(document)), max(record_no) FROM events WHERE client_id <> ''

-- step: retro_involvement_row
-- the retro-dated change's row: a personal involvement row whose start can move `shift` days earlier ($days, or
-- as many as lie between the first event and the row's start) without leaving the events' span, so that the days
-- it gains are days the check has to look at (a start moved before the first event gains days without events,
-- and the check would have nothing to do): the longest such move, of the client with the most events
WITH first AS (SELECT min(event_date) AS first_day FROM events),
per_client AS (SELECT client_id, count(*) AS n FROM events WHERE client_id IS NOT NULL GROUP BY 1),
movable AS (
    SELECT i.client_id, i.staff_id, i.valid_from,
           CAST(least($days, i.valid_from - first.first_day) AS INTEGER) AS shift, e.n
    FROM ref_involvement i JOIN per_client e USING (client_id), first
    WHERE i.staff_id IS NOT NULL
)
SELECT client_id, staff_id, valid_from, shift FROM movable WHERE shift >= 1
ORDER BY shift DESC, n DESC, client_id, staff_id, valid_from LIMIT 1

-- step: busiest_client
SELECT client_id, count(*) FROM events WHERE client_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1

-- step: median_client
-- a typical request: the client at the median of events per client
SELECT client_id, n FROM (
    SELECT client_id, count(*) AS n FROM events WHERE client_id IS NOT NULL GROUP BY 1
) ORDER BY n, client_id LIMIT 1 OFFSET (SELECT count(DISTINCT client_id) // 2 FROM events)

-- step: published_counts
SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM findings), (SELECT count(*) FROM scores)
