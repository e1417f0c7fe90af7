-- title: a client-sorted, already enriched copy of the events, for fast request answers
-- description: Built by pipelines/disclosure/index.py ensure_client_index(con) after ingest, reference import
--   and checks. Sorted by (client_id, event_date), DuckDB's zone maps skip every row group but the client's
--   own, and the worker, organisation, unit and basis are joined once here instead of per answer (planning
--   those joins alone costs tens of milliseconds per query). The copy is a cache: disclosure_index_state
--   records what it was built from, and answers fall back to the live tables when the store has changed.
--   Steps run in order; `enrich` is sql/disclosure/enrich.sql over the view of all_rows.sql.

-- step: copy
CREATE OR REPLACE TABLE disclosure_events_by_client AS
SELECT * FROM (__ENRICH__) ORDER BY client_id, event_date, event_time, source_system, source_event_id;

-- step: state
CREATE OR REPLACE TABLE disclosure_index_state AS
SELECT (SELECT count(*) FROM events) AS events_count,
    (SELECT max(run_id) FROM ingest_runs) AS max_ingest_run,
    (SELECT max(check_run_id) FROM check_runs) AS max_check_run,
    (SELECT count(*) FROM finding_events) AS finding_events_count,
    (SELECT max(import_id) FROM reference_imports) AS reference_import,
    now() AS built_at;
