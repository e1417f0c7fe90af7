-- title: the feature SQL's one pass over the events: one row per staff member, day and client, a range of dates at a time
-- description: Fills feature_day_clients (created by sql/features/001_user_day.sql, step day_clients), which every
--   later step of the feature SQL reads. pipelines/scoring/features.py (fill_day_clients) runs `insert` once per
--   range of dates planned from `day_events`. Why ranges: the aggregate's groups are (staff member, day, client),
--   so a range of dates holds whole groups, and a hash table of a few days' groups is several times smaller than
--   the whole store's (at ten million events 3.6 M groups at once); the aggregation, most of the statement's cost,
--   runs faster on the smaller tables, and the events are stored in date order, so each range reads its own row
--   groups only. The rows and their values are the same as one aggregate over every event's.
--   Parameters: $work_start, $work_end (working hours [start, end), lokivahti.toml [checks]); $first_day,
--   $last_day (the range of dates, both included).

-- step: day_events
-- The events per day, from the summary kept at ingest (sql/schema/010_event_summaries.sql): the plan reads no
-- events. A summary out of date only makes a range larger or smaller than planned; the first range starts
-- before and the last ends after any date, so every event is aggregated whatever the summary says.
SELECT event_date, sum(events) AS events FROM source_day_counts GROUP BY ALL ORDER BY event_date;

-- step: insert
-- A day's quarter-hours of local wall-clock time are kept as a bit mask (bit q = the quarter-hour q of the day,
-- 0..95): the session span, the longest pause and whether a client was opened outside the unit's hours are read
-- from the masks, so no per quarter-hour table exists. n_access (and access_slots): the events with a client and
-- an action other than 'other' whose outcome is a success (docs/rules.md: a failed attempt is no access).
-- n_off_clock: events outside the working hours [$work_start, $work_end) by the clock alone. The account -> staff
-- mapping is a small hash table joined on the way; the person is their number (s, 001_user_day.sql).
INSERT INTO feature_day_clients
SELECT s, day, client_id,
    count(*) AS n,
    count(*) FILTER (WHERE action = 'read') AS n_read,
    count(*) FILTER (WHERE action = 'search') AS n_search,
    count(*) FILTER (WHERE action IN ('print', 'export')) AS n_print_export,
    count(*) FILTER (WHERE slot < $work_start * 4 OR slot >= $work_end * 4) AS n_off_clock,
    count(*) FILTER (WHERE access) AS n_access,
    bit_or(CAST(1 AS HUGEINT) << slot) AS slots,
    bit_or(CAST(1 AS HUGEINT) << slot) FILTER (WHERE access) AS access_slots,
    bit_or(system_bit) AS systems
FROM (
    -- the quarter-hour of the day: quarter-hours since 0001-01-01 00:00 (the offset keeps the division a floor
    -- for every date after year 1) modulo 96; event_date is the same Helsinki date as event_local's
    SELECT a.s, a.system_bit, e.event_date AS day, e.client_id, e.action,
        CAST((epoch_us(e.event_local) + 62135596800000000) // 900000000 % 96 AS INTEGER) AS slot,
        e.client_id IS NOT NULL AND e.action <> 'other' AND coalesce(e.outcome, 'success') = 'success' AS access
    FROM events e
    JOIN feature_account_staff a ON a.source_system = e.source_system AND a.account = e.account
    WHERE e.event_date BETWEEN $first_day AND $last_day
)
GROUP BY ALL;
