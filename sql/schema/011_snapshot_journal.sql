-- migration: 11
-- title: the client-days each check and score step changed, so the dashboard's snapshot is brought up to date by them
-- The dashboard reads a published snapshot of the store (pipelines/snapshot.py). A snapshot is brought up to date
-- by what changed since it was last published, not copied whole: the tables whose rows are only appended under
-- a new ingest run are extended by the runs since, and the client-day tables a check rewrites in place
-- (explanations, the client-sorted copy) by the client-days recorded here. A check or score step records the
-- client-days it may have changed (a superset is harmless: those rows are replaced by what the store holds) with
-- the store's client-day state before and after it (pipelines/snapshot.py client_day_state): a snapshot is
-- brought up to date only along an unbroken chain of such records, so a writer that records nothing (a check run
-- from a library call, a copy built by an answer) leaves a gap and the next publish copies the store whole.
-- The records are pruned as publishing goes on (sql/snapshot/sync.sql `prune_journal`).
CREATE SEQUENCE IF NOT EXISTS snapshot_journal_seq START 1;

CREATE TABLE IF NOT EXISTS snapshot_journal (
    seq          BIGINT PRIMARY KEY,
    whole        BOOLEAN NOT NULL,      -- every client-day may have changed (a full check, a rebuilt client copy)
    state_before VARCHAR NOT NULL,      -- the client-day state before the step (JSON)
    state_after  VARCHAR NOT NULL,      -- and after it
    recorded_at  TIMESTAMPTZ NOT NULL
);

-- client_id as the client-sorted copy keys it (a personal identity code upper-cased); NULL stands for the events
-- without a client on that date
CREATE TABLE IF NOT EXISTS snapshot_journal_days (
    seq        BIGINT NOT NULL,
    client_id  VARCHAR,
    event_date DATE NOT NULL
);
