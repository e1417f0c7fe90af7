-- migration: 12
-- title: the client-days each check and score step changed, so the dashboard's snapshot is brought up to date by them
-- The dashboard reads a published snapshot of the store (pipelines/snapshot.py). A snapshot is brought up to date
-- by what changed since it was last published, not copied whole: the tables whose rows are only appended under
-- a new ingest run are extended by the runs since, and the client-day tables a check rewrites in place
-- (explanations, the client-sorted copy) by the client-days recorded here. Each writer of those tables (a check
-- run: pipelines/checks/runner.py; the copy's build and update: pipelines/disclosure/index.py) records, in the
-- transaction of its change, the client-days it may have changed (a superset is harmless: those rows are
-- replaced by what the store holds) with its family's state before and after (pipelines/snapshot.py
-- family_state): a snapshot is brought up to date only along an unbroken chain of such records, so a writer that
-- records nothing leaves a gap and the next publish copies that table whole.
-- The records are pruned as publishing goes on (sql/snapshot/sync.sql `prune_journal`).
CREATE SEQUENCE IF NOT EXISTS snapshot_journal_seq START 1;

CREATE TABLE IF NOT EXISTS snapshot_journal (
    seq          BIGINT PRIMARY KEY,
    family       VARCHAR NOT NULL,      -- whose tables: explanations (a check run) or client_copy (the copy)
    whole        BOOLEAN NOT NULL,      -- every client-day may have changed (a full check, a rebuilt client copy)
    state_before VARCHAR NOT NULL,      -- the client-day state before the change
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
