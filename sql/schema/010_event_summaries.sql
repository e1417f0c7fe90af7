-- migration: 10
-- title: event counts per source-day and per account-client-day, kept at ingest, so an incremental check never scans the store
-- An incremental check (a new day, a retro-dated change of reference data) must cost what changed, not what is
-- stored: these two summaries answer what it used to ask of every event (how many events a source logged on a
-- day, which account-days a client's or an account's events fall on, how many events a set of days holds).
-- One row per ingest run and key, written in the run's own transaction (sql/summaries/add_runs.sql), so
-- re-ingesting a file (which adds no events) adds nothing, and re-summarising a run replaces its rows.
-- pipelines/checks/summaries.py rebuilds both from the events when their total and the events' disagree
-- (a retention purge, a tool that writes events directly). Existing stores are backfilled below.

-- Events per source system and day, split by how far after its own ingest run an event is stamped:
-- ahead_minutes = the whole minutes (rounded up) by which event_time is later than the run's started_at, 0 when
-- it is not later, NULL when the run is unknown. log_silent_source counts the events with ahead_minutes <=
-- clock_skew_future_minutes, which is exactly `event_time <= started_at + clock_skew_future_minutes minutes`.
CREATE TABLE IF NOT EXISTS source_day_counts (
    run_id        BIGINT NOT NULL,
    source_system VARCHAR NOT NULL,
    event_date    DATE NOT NULL,
    ahead_minutes BIGINT,
    events        BIGINT NOT NULL
);

-- Events per account, client and day: the account-days a reference change touches, and the size of a set of
-- account-days (the partition plan), without reading the events.
CREATE TABLE IF NOT EXISTS account_client_days (
    run_id        BIGINT NOT NULL,
    source_system VARCHAR NOT NULL,
    account       VARCHAR,
    client_id     VARCHAR,
    event_date    DATE NOT NULL,
    events        BIGINT NOT NULL
);

DELETE FROM source_day_counts;
INSERT INTO source_day_counts
SELECT e.run_id, e.source_system, e.event_date,
    CASE WHEN r.started_at IS NULL THEN NULL
         WHEN epoch_us(e.event_time) <= epoch_us(r.started_at) THEN 0
         ELSE (epoch_us(e.event_time) - epoch_us(r.started_at) + 59999999) // 60000000 END AS ahead_minutes,
    count(*) AS events
FROM events e LEFT JOIN ingest_runs r USING (run_id)
GROUP BY ALL;

DELETE FROM account_client_days;
INSERT INTO account_client_days
SELECT run_id, source_system, account, client_id, event_date, count(*) AS events
FROM events GROUP BY ALL;
