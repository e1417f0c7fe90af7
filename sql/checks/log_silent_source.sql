-- id: log_silent_source
-- category: log_completeness
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Lähdejärjestelmä vaiennut
-- title_en: Silent source system
-- legal_basis: asiakastietolaki 703/2023 10 § (käyttö- ja luovutuslokin pitäminen)
-- description: A working day (Mon–Fri, not a Finnish public holiday; table chk_holidays) between a source's
--   first and last days of normal volume (at least silent_source_min_daily_events events) with fewer than
--   silent_source_min_daily_events events and fewer than silent_source_share_of_usual of the source's usual
--   working day (the median of its working days with events). Silence is a log that lost a day's uses, not a
--   quiet day: a five-user system with two users at work logs a third of its usual day, fully. No events;
--   key = source + date. Events stamped after their own ingest (log_clock_skew) are left out of the span, so
--   one device clock years ahead does not make every day until then silent. Lokivahti's own access log
--   (source `lokivahti`) is not judged: few dashboard look-ups on a day is no logging fault.
-- false_positives: A planned outage or a system taken out of use; a unit closed for the summer.
WITH daily AS (
    -- events stamped in the future of their own ingest (clock skew) do not stretch a source's span. The counts
    -- kept at ingest (source_day_counts, sql/schema/010_event_summaries.sql) say how many whole minutes after its
    -- run's start each event is stamped, so this is `event_time <= started_at + clock_skew_future_minutes` without
    -- reading the events.
    SELECT source_system, event_date, CAST(sum(events) AS BIGINT) AS n
    FROM source_day_counts
    WHERE ahead_minutes <= CAST($clock_skew_future_minutes AS BIGINT)
      AND source_system <> 'lokivahti'   -- Lokivahti's own access log: a quiet dashboard is not a logging fault
    GROUP BY ALL
), usual AS (
    -- the source's usual working day, so that "silent" scales with the system: twenty events are a quiet day
    -- for a five-user case system and a lost log for a client system of hundreds of users
    SELECT source_system, median(n) AS events FROM daily
    WHERE isodow(event_date) <= 5 AND event_date NOT IN (SELECT day FROM chk_holidays)
    GROUP BY ALL
), span AS (
    -- the source's working life: from its first to its last day of normal volume. A day with a few events
    -- only (one back-filled event of years ago, a test record) neither opens nor closes the span.
    SELECT source_system, min(event_date) AS first_day, max(event_date) AS last_day FROM daily
    WHERE n >= $silent_source_min_daily_events GROUP BY ALL
), days AS (
    SELECT s.source_system, CAST(g.d AS DATE) AS day
    FROM span s, LATERAL (SELECT unnest(generate_series(s.first_day, s.last_day, INTERVAL 1 DAY)) AS d) g
)
SELECT d.source_system || '|' || strftime(d.day, '%Y-%m-%d') AS finding_key, d.source_system, NULL AS account,
    NULL AS staff_id, NULL AS client_id, NULL AS organisation_id, NULL AS unit_id,
    NULL::TIMESTAMPTZ AS first_time, NULL::TIMESTAMPTZ AS last_time, d.day AS event_date,
    json_object('events', coalesce(x.n, 0), 'usual_events', u.events,
                'threshold', least($silent_source_min_daily_events, $silent_source_share_of_usual * u.events)) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM days d
JOIN usual u ON u.source_system = d.source_system
LEFT JOIN daily x ON x.source_system = d.source_system AND x.event_date = d.day
WHERE isodow(d.day) <= 5
  AND d.day NOT IN (SELECT day FROM chk_holidays)
  AND coalesce(x.n, 0) < $silent_source_min_daily_events
  AND coalesce(x.n, 0) < $silent_source_share_of_usual * u.events
