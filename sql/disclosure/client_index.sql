-- title: a client-sorted, already enriched, dictionary-coded copy of the events, for fast request answers
-- description: Built by pipelines/disclosure/index.py ensure_client_index(con) after ingest, reference import
--   and checks, in bounded pieces (so that the build's peak does not grow with the store) and written in one
--   transaction. Sorted by (client_id, event_date, ...), DuckDB's zone maps skip every row
--   group but the client's own; the worker, organisation, unit and basis are joined once here instead of per
--   answer (planning those joins costs tens of milliseconds per query). An event keeps its own values (id,
--   times, findings) as columns; every text column with few distinct values (source system, account,
--   action, service task, document, purpose, the reference names, basis, ...) is stored as a code in one
--   USMALLINT array `codes` (0 = NULL, n = the n-th value in sorted order), because DuckDB reads and hands
--   over one small array column far faster than twenty text columns. disclosure_index_layout lists every
--   answer column in order, with its slot in `codes` and its dictionary; index.py decodes with one gather
--   per column. The copy is a cache: disclosure_index_state records what it was built from, and answers fall
--   back to the live tables when the store has changed. disclosure_index_clients has each client's row count
--   and median date: an answer of many rows is read as two date halves in parallel (index.py read_answer).
--   The build: `attach_scratch` opens a scratch database beside the store (__PATH__); pass 1 (each statement
--   commits there) numbers the client ranges (`build_clients`, $piece_events rows each), lists the
--   lawfulness findings' events (`build_findings`) and enriches one date window at a time (`build_window_*`
--   set the window, `build_rows_window` gets enrich.sql over the view of all_rows.sql as __ENRICH__); pass 2
--   (one transaction on the store) runs `drop`, then `code_type` and `type_size` once per text column
--   (__COLUMN__, __TYPE__: a transient ENUM that does the coding; a column with more than MAX_CODED values
--   stays a column), `copy` and `clients` (empty tables), `copy_piece` and `clients_piece` once per client
--   range in client order (__COLUMNS__: the plain columns and the codes array), `layout` the dictionaries
--   (__LAYOUT__), `state` index_fingerprint.sql (__FINGERPRINT__) and a build id; index.py drops the
--   transient types, and `cleanup` and `detach_scratch` run (and the scratch file is deleted) whatever happens.

-- step: drop
DROP TABLE IF EXISTS disclosure_events_by_client;
DROP TABLE IF EXISTS disclosure_index_layout;
DROP TABLE IF EXISTS disclosure_index_clients;
DROP TABLE IF EXISTS disclosure_index_client_days;

-- step: old_types
SELECT type_name FROM duckdb_types() WHERE schema_name = 'main' AND type_name LIKE 'disclosure\_enum\_%' ESCAPE '\';

-- step: store_path
-- the store's file, beside which the build keeps its scratch database (NULL for a store in memory)
SELECT path FROM duckdb_databases() WHERE database_name = current_database();

-- step: attach_scratch
-- the build's scratch database (__PATH__: a file beside the store, or ':memory:'): its tables are compressed on
-- disk, where a temp table would spill uncompressed (several times the store at 100 M events); index.py
-- deletes the file when the build ends
ATTACH __PATH__ AS disclosure_build;

-- step: detach_scratch
DETACH DATABASE IF EXISTS disclosure_build;

-- step: build_clients
-- every client's events, and the piece of the copy they go to: clients in client_id order, a new piece each time
-- $piece_events more rows have gone before (a client is never split, so a piece holds at most $piece_events
-- rows plus one client's). The copy is written piece after piece in this order, so it is sorted as a whole.
CREATE OR REPLACE TABLE disclosure_build.clients AS
SELECT client_id,
    (sum(events) OVER (ORDER BY client_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - events)
        // $piece_events AS piece
FROM (
    SELECT CASE WHEN regexp_full_match(client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
                THEN upper(client_id) ELSE client_id END AS client_id, count(*) AS events
    FROM events WHERE client_id IS NOT NULL GROUP BY ALL
);

-- step: build_pieces
SELECT DISTINCT piece FROM disclosure_build.clients ORDER BY piece;

-- step: build_days
-- the events per date, from which index.py cuts the date windows the enrichment runs in
SELECT event_date, count(*) FROM events WHERE client_id IS NOT NULL GROUP BY ALL ORDER BY event_date;

-- step: build_findings
-- the events in findings that question the access's lawfulness, with their finding ids (all_rows.sql joins it)
CREATE OR REPLACE TABLE disclosure_build.findings AS
SELECT fe.source_system, fe.source_event_id, list(DISTINCT fe.finding_id ORDER BY fe.finding_id) AS finding_ids
FROM finding_events fe JOIN findings f USING (finding_id)
WHERE f.category NOT IN ('data_quality', 'log_completeness')
GROUP BY ALL;

-- step: build_window_from
SET VARIABLE disclosure_from = $date_from;
-- step: build_window_to
SET VARIABLE disclosure_to = $date_to;

-- step: build_rows
-- the enriched rows, not yet coded nor sorted by client: an empty table of their columns and the piece number
CREATE OR REPLACE TABLE disclosure_build.rows AS
SELECT e.*, c.piece AS build_piece FROM (__ENRICH__) e JOIN disclosure_build.clients c ON c.client_id = e.client_id
LIMIT 0;

-- step: build_rows_window
-- one date window's enriched rows (all_rows.sql), sorted by piece: each piece's rows of the window then sit in
-- a few row groups, and a piece's copy step below skips the others by their zone maps
INSERT INTO disclosure_build.rows
SELECT e.*, c.piece FROM (__ENRICH__) e JOIN disclosure_build.clients c ON c.client_id = e.client_id
ORDER BY c.piece;

-- step: enriched
CREATE OR REPLACE TEMP TABLE disclosure_enriched AS SELECT * FROM (__ENRICH__);

-- step: columns
-- every answer column in order, and whether it is text that may be coded (client_id, the look-up key whose
-- zone maps do the pruning, and source_event_id, unique per event, never are)
SELECT column_name, data_type = 'VARCHAR' AND column_name NOT IN ('client_id', 'source_event_id') AS codable
FROM duckdb_columns()
WHERE database_name = 'disclosure_build' AND table_name = 'rows' AND column_name <> 'build_piece'
ORDER BY column_index;

-- step: code_type
-- at most __LIMIT__ values: one more than may be coded, so that index.py sees when a column has too many
CREATE TYPE __TYPE__ AS ENUM (
    SELECT DISTINCT __COLUMN__ FROM disclosure_build.rows WHERE __COLUMN__ IS NOT NULL ORDER BY 1 LIMIT __LIMIT__
);

-- step: type_size
SELECT len(enum_range(NULL::__TYPE__));

-- step: copy
CREATE TABLE disclosure_events_by_client AS
SELECT __COLUMNS__ FROM disclosure_build.rows LIMIT 0;

-- step: clients
-- per client: how many rows, and the median date that splits a large answer into two halves read at once
CREATE TABLE disclosure_index_clients AS
SELECT client_id, count(*) AS row_count, quantile_disc(event_date, 0.5) AS mid_date
FROM disclosure_build.rows WHERE false GROUP BY client_id;

-- step: client_days
-- per client and day: how many rows (after updates, the sum of a client-day's rows: see update_client_days). An update
-- replaces whole client-days; this table tells which of them the copy holds (a new day's are not there yet, so
-- nothing need be deleted for them) and gives the touched clients' counts and median dates without reading the
-- copy (at 100 M events the recount from the copy cost 3.3 s of a new day's 24 s step: every row of every
-- touched client, more than half of the clients on a busy day)
CREATE TABLE disclosure_index_client_days AS
SELECT client_id, event_date, count(*) AS row_count
FROM disclosure_build.rows WHERE false GROUP BY client_id, event_date;

-- step: copy_piece
INSERT INTO disclosure_events_by_client
SELECT __COLUMNS__ FROM disclosure_build.rows WHERE build_piece = $piece
ORDER BY client_id, event_date, event_time, source_system, source_event_id;

-- step: clients_piece
-- the median date only of a client whose answer is read as two halves (at least $parallel_rows rows, index.py
-- PARALLEL_ROWS): no other answer reads it, and an update then recounts it for those few clients alone
INSERT INTO disclosure_index_clients
SELECT client_id, count(*) AS row_count,
    CASE WHEN count(*) >= $parallel_rows THEN quantile_disc(event_date, 0.5) END AS mid_date
FROM disclosure_build.rows WHERE build_piece = $piece GROUP BY client_id ORDER BY client_id;

-- step: client_days_piece
INSERT INTO disclosure_index_client_days
SELECT client_id, event_date, count(*) AS row_count
FROM disclosure_build.rows WHERE build_piece = $piece GROUP BY client_id, event_date ORDER BY client_id, event_date;

-- step: layout
CREATE TABLE disclosure_index_layout AS
SELECT * FROM (VALUES __LAYOUT__) AS layout(position, column_name, slot, dictionary);

-- step: cleanup
DROP VIEW IF EXISTS disclosure_rows;
RESET VARIABLE disclosure_from;
RESET VARIABLE disclosure_to;

-- step: state
CREATE OR REPLACE TABLE disclosure_index_state AS
SELECT key, value FROM (__FINGERPRINT__)
UNION ALL
SELECT 'build', (hash(gen_random_uuid()) >> 1)::BIGINT
UNION ALL
SELECT 'enrich_reference', value FROM (__ENRICH_REFERENCE__);

-- step: enrich_reference
-- the content of the reference tables the enrichment reads (enrich.sql): an update of the copy is only possible
-- while they are unchanged (a changed worker name or unit may change any answer). A reference import that
-- changes only involvement or authorisations leaves this as it was. Small tables; an order-free sum of row
-- hashes. Recorded in disclosure_index_state, never compared by an answer (index.py read_index_state).
SELECT (sum(h) % 9223372036854775807)::BIGINT AS value FROM (
    SELECT hash('accounts', a) AS h FROM ref_accounts a
    UNION ALL SELECT hash('staff', s) FROM ref_staff s
    UNION ALL SELECT hash('organisations', o) FROM ref_organisations o
    UNION ALL SELECT hash('units', u) FROM ref_units u
)

-- step: drop_type
-- an enum type of a coded column (types are named by the build, never by a person's data)
DROP TYPE __TYPE__;

-- The update of a fresh-but-for-one-check copy (index.py update_client_index): the client-days the check
-- touched (disclosure_touched, registered by the caller as `touched_days`) plus those of the events ingested
-- since the copy was built (from the summaries kept at ingest, never the events) are deleted from the copy and
-- enriched again from touched_rows.sql. A coded column's new values are appended to its dictionary (a code is
-- a position in the dictionary, so the existing codes stay valid; only a full build sorts the dictionary), and
-- the touched clients' row counts and median dates are recounted from the copy's client-days
-- (disclosure_index_client_days, kept beside the copy), not from the copy itself.

-- step: update_recorded
SELECT key, value FROM disclosure_index_state;

-- step: update_touched_exists
-- whether the relation of touched client-days exists (a full check keeps none: sql/checks/_runner.sql
-- forget_touched); the name is the caller's own table name, compared as a value
SELECT count(*) > 0 FROM (SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views())
WHERE name = $name;

-- step: update_new_events
-- the events ingested after the run the copy was built from, and after it how many events the store should hold
SELECT CAST(coalesce(sum(events), 0) AS BIGINT) FROM account_client_days WHERE run_id > $after_run;

-- step: update_touched
CREATE OR REPLACE TEMP TABLE disclosure_touched AS
SELECT DISTINCT client_id, event_date FROM (
    SELECT client_id, event_date FROM touched_days
    UNION ALL
    SELECT CASE WHEN regexp_full_match(client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
                THEN upper(client_id) ELSE client_id END, event_date
    FROM account_client_days WHERE run_id > $after_run AND client_id IS NOT NULL
);

-- step: update_layout
SELECT column_name, slot, dictionary FROM disclosure_index_layout ORDER BY position;

-- step: update_new_values
-- every coded column's values in the update that its dictionary lacks, sorted, per column position (__VALUES__: one
-- SELECT DISTINCT per coded column, index.py); one statement for all columns, against disclosure_codes, instead of
-- one per column with its dictionary bound as a parameter (23 statements: 0.6 s of the 100 M new day)
CREATE OR REPLACE TEMP TABLE disclosure_new_values AS
SELECT position, list(value ORDER BY value) AS new FROM (__VALUES__) v
ANTI JOIN disclosure_codes c ON c.position = v.position AND c.value = v.value
GROUP BY position;

-- step: update_too_many
-- a column whose dictionary would outgrow its codes: the copy is built afresh (that column then stays text)
SELECT count(*) FROM disclosure_new_values n JOIN disclosure_index_layout l USING (position)
WHERE len(l.dictionary) + len(n.new) > $max_coded;

-- step: update_new_count
SELECT count(*) FROM disclosure_new_values;

-- step: update_dictionaries
-- new values go at the end of their dictionaries: a code is a position in the dictionary, so the copy's codes
-- stay valid (only a full build sorts the dictionary)
UPDATE disclosure_index_layout l SET dictionary = list_concat(l.dictionary, n.new)
FROM disclosure_new_values n WHERE l.position = n.position;

-- step: update_codes
-- every coded column's dictionary as (position, value, code), for the joins that code the update's rows (run
-- before update_new_values, and again after update_dictionaries when a dictionary grew)
CREATE OR REPLACE TEMP TABLE disclosure_codes AS
SELECT position, unnest(dictionary) AS value, CAST(generate_subscripts(dictionary, 1) AS USMALLINT) AS code
FROM disclosure_index_layout WHERE slot IS NOT NULL;

-- step: update_has_client_days
-- a copy built before the copy kept its client-days is built afresh rather than updated
SELECT count(*) FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'disclosure_index_client_days';

-- step: update_present
-- the touched client-days the copy holds rows of, with how many: only these are deleted (the copy is sorted by
-- client, so a delete reads every row of it; after a new day whose check changed no earlier verdict there is
-- nothing to delete). A client-day's rows are the sum of its rows in disclosure_index_client_days (update_client_days)
CREATE OR REPLACE TEMP TABLE disclosure_present AS
SELECT cd.client_id, cd.event_date, sum(cd.row_count) AS held FROM disclosure_index_client_days cd
SEMI JOIN disclosure_touched t ON t.client_id = cd.client_id AND t.event_date = cd.event_date
GROUP BY cd.client_id, cd.event_date HAVING sum(cd.row_count) > 0;

-- step: update_present_count
SELECT count(*) FROM disclosure_present;

-- step: update_delete
DELETE FROM disclosure_events_by_client c USING disclosure_present t
WHERE c.client_id = t.client_id AND c.event_date = t.event_date;

-- step: update_insert
INSERT INTO disclosure_events_by_client
SELECT __COLUMNS__ FROM disclosure_enriched d __JOINS__
ORDER BY d.client_id, d.event_date, d.event_time, d.source_system, d.source_event_id;

-- step: update_client_days
-- The touched client-days' counts change by rows appended, not by a delete: the count a client-day held, negated,
-- and the count it holds now (a delete from this table, which has a row per client and day, cost 1.1 s at 100 M
-- events; the appended rows are at most two per touched client-day, and a build after MAX_UPDATES updates
-- writes one row per client-day again). A touched client's row count is its count before, less the rows deleted,
-- plus the rows inserted; the median date is recounted from the client-days only for a client of at least
-- $parallel_rows rows (clients_piece), as quantile_disc's (the row at 0-based position ceil(n/2) - 1 in date
-- order): the first date whose running count, that date's rows included, reaches (n + 1) // 2. At 100 M events the
-- recount of every touched client from the copy cost 3.3 s of a new day's step (a busy day touches more than half
-- of the clients). tests/test_disclosure_index_update.py holds both tables to a rebuild's.
INSERT INTO disclosure_index_client_days
SELECT client_id, event_date, -held FROM disclosure_present
UNION ALL
SELECT client_id, event_date, count(*) FROM disclosure_enriched GROUP BY client_id, event_date;

-- step: update_counts
CREATE OR REPLACE TEMP TABLE disclosure_counts AS
SELECT client_id, sum(n) AS row_count FROM (
    SELECT c.client_id, c.row_count AS n FROM disclosure_index_clients c
    SEMI JOIN disclosure_touched t ON t.client_id = c.client_id
    UNION ALL SELECT client_id, -held FROM disclosure_present
    UNION ALL SELECT client_id, count(*) FROM disclosure_enriched GROUP BY client_id
) GROUP BY client_id;
DELETE FROM disclosure_index_clients WHERE client_id IN (SELECT client_id FROM disclosure_touched);

-- step: update_client_rows
INSERT INTO disclosure_index_clients
SELECT n.client_id, n.row_count, m.mid_date
FROM disclosure_counts n
LEFT JOIN (
    SELECT client_id, min(event_date) FILTER (WHERE upto >= (total + 1) // 2) AS mid_date
    FROM (
        SELECT cd.client_id, cd.event_date, n.row_count AS total,
            sum(cd.row_count) OVER (PARTITION BY cd.client_id ORDER BY cd.event_date) AS upto
        FROM disclosure_index_client_days cd
        JOIN disclosure_counts n ON n.client_id = cd.client_id AND n.row_count >= $parallel_rows
    )
    GROUP BY client_id
) m ON m.client_id = n.client_id
WHERE n.row_count > 0;

-- step: update_mark
-- an updated copy holds some clients' rows out of the answer's order: answers from it are sorted (index.py);
-- the value counts the updates since the copy was built
INSERT INTO disclosure_index_state VALUES ('updated', $updates);

-- step: update_cleanup
DROP TABLE disclosure_enriched;
DROP TABLE disclosure_touched;
DROP TABLE IF EXISTS disclosure_present;
DROP TABLE IF EXISTS disclosure_codes;
DROP TABLE IF EXISTS disclosure_new_values;
DROP TABLE IF EXISTS disclosure_counts;
DROP VIEW disclosure_rows;
