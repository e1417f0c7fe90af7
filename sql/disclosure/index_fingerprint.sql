-- title: what the client-sorted copy depends on, as (key, value) rows: whole-table counts and latest run ids
-- description: Stored as disclosure_index_state when the copy is built (client_index.sql, step `state`), and
--   compared with the store's current values before each answer (index_state.sql). Cheap: count(*) of a whole
--   table comes from its row count, the maxima are over small tables. Events (any ingest or direct insert),
--   explanations and findings (a check run), the model's findings (a scoring run: `model_run`, the latest model
--   record's time) and the reference data (an import) are what the copy holds.
--   No trailing semicolon: callers wrap it.
SELECT 'layout_version' AS key, 2::BIGINT AS value  -- raised when the copy's columns change: an older copy is stale
UNION ALL SELECT 'events', count(*) FROM events
UNION ALL SELECT 'ingest_run', max(run_id) FROM ingest_runs
UNION ALL SELECT 'check_run', max(check_run_id) FROM check_runs
UNION ALL SELECT 'finding_events', count(*) FROM finding_events
UNION ALL SELECT 'reference_import', max(import_id) FROM reference_imports
UNION ALL SELECT 'model_run', epoch_ms(max(trained_at)) FROM models
