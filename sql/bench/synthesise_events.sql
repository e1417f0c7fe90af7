-- title: synthesise a canonical event CSV of N events from a county's real-shaped events (benchmarks only)
-- description: The template is the events table of a store that already holds the small county (every
--   source format ingested), so the benchmark's rule-hit rate, involvement mix and per-user rhythm are the
--   county's own, not uniform noise (uniform random account-client pairs would make almost every event a
--   finding and measure the findings writer, not the checks). Copy k of template row t keeps t's account,
--   client, action and local date, moves the instant by k microseconds (written in
--   UTC with `Z`; the template's times are whole seconds, so no copy collides with another event and no
--   false duplicates appear below a million copies) and gets source_event_id `<id>~k`, so every
--   row is a distinct event. Deterministic. Parameter: $n. The caller COPYs bench_events to the CSV.

-- step: template
CREATE OR REPLACE TEMP TABLE bench_template AS
SELECT row_number() OVER (ORDER BY source_system, source_event_id) - 1 AS t, *
FROM events;

-- step: events
CREATE OR REPLACE TEMP TABLE bench_events AS
WITH n AS (SELECT count(*) AS nt FROM bench_template),
r AS (SELECT range AS i, range % n.nt AS t, range // n.nt AS k FROM range(CAST($n AS BIGINT)) CROSS JOIN n)
SELECT
    e.source_system,
    e.source_event_id || CASE WHEN r.k = 0 THEN '' ELSE '~' || r.k END AS source_event_id,
    strftime(timezone('UTC', e.event_time) + to_microseconds(r.k), '%Y-%m-%dT%H:%M:%S.%fZ') AS event_time,
    e.account, e.client_id, e.action, e.service_task, e.document, e.purpose,
    CASE WHEN e.emergency THEN 'true' ELSE 'false' END AS emergency,
    e.channel, e.organisation_id, e.controller_id, e.recipient_organisation_id, e.outcome,
    e.session_id || CASE WHEN r.k = 0 THEN '' ELSE '~' || r.k END AS session_id,
    e.search_criteria, e.record_count
FROM r JOIN bench_template e USING (t)
ORDER BY r.k, e.event_time, e.source_system, e.source_event_id;
