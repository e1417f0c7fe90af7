-- title: bringing a published snapshot up to date with the store by what changed (pipelines/snapshot.py)
-- description: The publisher holds the store (the one writer) and attaches a spare snapshot file as `snap`. The
--   spare's own record (`snap.snapshot_sync`, a table only snapshots have) says how far it was brought: the
--   store's schema then, the last ingest run and journal record it holds. In one transaction on the spare,
--   every table of the store is brought up to date by its kind (pipelines/snapshot.py says which is which):
--   appended tables by the rows of keys after the spare's mark (`append_*`), client-day tables by the client-days
--   journalled since (`client_days_*`), every other table whole (`whole_*`); then `counts` compares each table's
--   row count on both sides, and the record is replaced. __TABLE__ is a quoted table name, __KEY__ a quoted
--   column name (both from duckdb_tables()/the code's own list, never from input).

-- step: schema
-- what the store is made of, for the fingerprint that tells whether a spare has the same tables and columns
-- (a migration since it was published: it is copied whole)
SELECT 'table' AS kind, table_name AS name, sql FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main'
UNION ALL
SELECT 'view', view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
UNION ALL
SELECT 'index', index_name, sql FROM duckdb_indexes() WHERE database_name = current_database()
UNION ALL
SELECT 'type', type_name, logical_type FROM duckdb_types()
WHERE database_name = current_database() AND NOT internal AND schema_name = 'main'
UNION ALL
SELECT 'macro', function_name, macro_definition FROM duckdb_functions()
WHERE database_name = current_database() AND NOT internal AND function_type IN ('macro', 'table_macro')
UNION ALL
SELECT 'schema', schema_name, NULL FROM duckdb_schemas()
WHERE database_name = current_database() AND NOT internal AND schema_name <> 'main'
ORDER BY ALL;

-- step: tables
SELECT table_name FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name;

-- step: attach
ATTACH __PATH__ AS snap;

-- step: attach_read_only
ATTACH __PATH__ AS snap (READ_ONLY);

-- step: detach
DETACH DATABASE IF EXISTS snap;

-- step: checkpoint_snap
CHECKPOINT snap;

-- step: record
-- the spare's record of how far it was brought; no record: not a snapshot this publisher made
SELECT key, value FROM snap.main.snapshot_sync;

-- step: new_record
CREATE OR REPLACE TABLE snap.main.snapshot_sync (key VARCHAR PRIMARY KEY, value VARCHAR);

-- step: write_record
INSERT INTO snap.main.snapshot_sync VALUES ($key, $value);

-- step: run_mark
-- the mark of the run-keyed tables: the last ingest run the store knows (an appended row carries its run)
SELECT coalesce(max(run_id), 0) FROM ingest_runs;

-- step: journal_mark
-- the last journal record: the spare holds what the records up to it say
SELECT coalesce(max(seq), 0) FROM snapshot_journal;

-- step: journal_first
SELECT coalesce(min(seq), 9223372036854775807) FROM snapshot_journal;

-- step: journal_after
-- the journal records after the spare's: the chains that bring its client-day tables up to date
SELECT seq, family, whole, state_before, state_after FROM snapshot_journal WHERE seq > $seq ORDER BY seq;

-- step: state_explanations
-- what every check run changes: the last check run
SELECT CAST(coalesce(max(check_run_id), 0) AS VARCHAR) FROM check_runs;

-- step: state_client_copy
-- what every build and update of the client copy changes: its own recorded state
SELECT CAST(list(key || '=' || coalesce(CAST(value AS VARCHAR), '') ORDER BY key) AS VARCHAR)
FROM disclosure_index_state;

-- step: append_forget
-- rows of keys after the mark in the spare: none, unless a sync before was cut short (then they go again)
DELETE FROM snap.main.__TABLE__ WHERE __KEY__ > $mark;

-- step: append_rows
INSERT INTO snap.main.__TABLE__ SELECT * FROM main.__TABLE__ WHERE __KEY__ > $mark;

-- step: whole_forget
DELETE FROM snap.main.__TABLE__;

-- step: whole_rows
INSERT INTO snap.main.__TABLE__ SELECT * FROM main.__TABLE__;

-- step: count_both
SELECT (SELECT count(*) FROM main.__TABLE__), (SELECT count(*) FROM snap.main.__TABLE__);

-- step: dirty_days
-- the client-days to replace: those journalled since the spare's record, and those of the events appended since
-- its run mark (the client copy's update takes those in too), with client_id both as the client-sorted copy keys
-- it (a personal identity code upper-cased) and upper-cased (explanations keep the id as the event had it); a
-- superset is harmless: those rows are replaced by what the store holds
CREATE OR REPLACE TEMP TABLE snapshot_dirty AS
SELECT DISTINCT client_id, upper(client_id) AS client_upper, event_date FROM (
    SELECT client_id, event_date FROM snapshot_journal_days WHERE seq > $seq
    UNION ALL
    SELECT CASE WHEN regexp_full_match(client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
                THEN upper(client_id) ELSE client_id END, event_date
    FROM main.events WHERE run_id > $mark
    UNION ALL
    -- the events without a client on those dates, whatever the journal said of them
    SELECT DISTINCT NULL, event_date FROM snapshot_journal_days WHERE seq > $seq
);

-- step: dirty_bounds
SELECT count(*), min(event_date), max(event_date) FROM snapshot_dirty;

-- step: rows_as_keyed
-- the store's rows of the dirty client-days, by row id (read before the spare's transaction, which may write
-- to one database only; row ids hold while nothing is written to the store), of a table keyed as the copy is;
-- only the key columns are read, the rows are then fetched by row id range (DuckDB skips the other row groups)
CREATE OR REPLACE TEMP TABLE __ROWS__ AS
SELECT t.rowid AS r FROM main.__TABLE__ t SEMI JOIN snapshot_dirty d
  ON t.client_id = d.client_id AND t.event_date = d.event_date
WHERE t.event_date BETWEEN $date_from AND $date_to;

-- step: rows_any_case
-- the same, of a table that keeps the client id as the event had it (the date bounds let DuckDB skip the other
-- row groups of a table stored in date order)
CREATE OR REPLACE TEMP TABLE __ROWS__ AS
SELECT t.rowid AS r FROM main.__TABLE__ t SEMI JOIN snapshot_dirty d
  ON upper(t.client_id) IS NOT DISTINCT FROM d.client_upper AND t.event_date = d.event_date
WHERE t.event_date BETWEEN $date_from AND $date_to;

-- step: rows_bounds
SELECT count(*), min(r), max(r) FROM __ROWS__;

-- step: forget_as_keyed
DELETE FROM snap.main.__TABLE__ t USING snapshot_dirty d
WHERE t.client_id = d.client_id AND t.event_date = d.event_date AND t.event_date BETWEEN $date_from AND $date_to;

-- step: present_as_keyed
-- the dirty client-days the spare's table holds rows of, by the spare's own list of its client-days (__PRESENT__,
-- brought along with the table in the same family): read before the spare's transaction; the days of new events
-- are not there yet, and a delete from a table sorted by client reads all of it, so it runs only for these (a
-- client-day whose rows an update removed keeps its rows in the list, with counts summing to zero: a harmless
-- superset, its delete finds nothing)
CREATE OR REPLACE TEMP TABLE __ROWS__ AS
SELECT d.client_id, d.event_date FROM snapshot_dirty d
SEMI JOIN snap.main.__PRESENT__ p ON p.client_id = d.client_id AND p.event_date = d.event_date;

-- step: present_count
SELECT count(*) FROM __ROWS__;

-- step: forget_present
DELETE FROM snap.main.__TABLE__ t USING __ROWS__ d WHERE t.client_id = d.client_id AND t.event_date = d.event_date;

-- step: forget_any_case
DELETE FROM snap.main.__TABLE__ t USING snapshot_dirty d
WHERE upper(t.client_id) IS NOT DISTINCT FROM d.client_upper AND t.event_date = d.event_date
  AND t.event_date BETWEEN $date_from AND $date_to;

-- step: client_days_rows
INSERT INTO snap.main.__TABLE__
SELECT * FROM main.__TABLE__ WHERE rowid BETWEEN $row_from AND $row_to AND rowid IN (SELECT r FROM __ROWS__);

-- step: drop_rows
DROP TABLE IF EXISTS __ROWS__;

-- step: drop_dirty
DROP TABLE IF EXISTS snapshot_dirty;

-- step: fingerprint_both
-- a table's rows as a multiset on both sides (count and the sum of the rows' hashes): equal, the spare's table
-- is left as it is
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM main.__TABLE__ t),
    (SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM snap.main.__TABLE__ t);

-- step: journal_record
INSERT INTO snapshot_journal VALUES ($seq, $family, $whole, $state_before, $state_after, CAST($now AS TIMESTAMPTZ));

-- step: journal_next
SELECT nextval('snapshot_journal_seq');

-- step: journal_days
-- the client-days of a temp relation __DAYS__ (client_id, event_date), and each of their dates for the events
-- without a client
INSERT INTO snapshot_journal_days
SELECT DISTINCT $seq, client_id, event_date FROM __DAYS__ WHERE event_date IS NOT NULL;

-- step: prune_journal_days
-- records no kept snapshot can need any more: up to the oldest record a kept snapshot holds
DELETE FROM snapshot_journal_days WHERE seq <= $seq;

-- step: prune_journal
DELETE FROM snapshot_journal WHERE seq <= $seq;
