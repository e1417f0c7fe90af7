-- title: what a check run must re-examine (pipelines/checks/scope.py)
-- description: The last finished check's reference fingerprint and highest ingest run, compared with the
--   store's, decide the scope. The dates and account-days new ingest runs touched come from the event summaries
--   kept at ingest (source_day_counts, account_client_days: sql/schema/010_event_summaries.sql), so deciding
--   costs what changed, never a scan of the events.

-- step: fingerprint
SELECT fingerprint FROM reference_imports ORDER BY import_id DESC LIMIT 1;

-- step: last_check
SELECT reference_fingerprint, max_ingest_run_id FROM check_runs
WHERE finished_at IS NOT NULL ORDER BY check_run_id DESC LIMIT 1;

-- step: max_run
SELECT coalesce(max(run_id), 0) FROM ingest_runs WHERE status = 'done';

-- step: new_dates
-- The dates holding events of ingest runs newer than the last check.
SELECT DISTINCT event_date FROM source_day_counts WHERE run_id > $last ORDER BY 1;

-- step: new_conflicts
-- Re-extracted events that differ from the stored version (log_export_mismatch) since the last check.
SELECT count(*) FROM event_conflicts WHERE run_id > $last;

-- step: conflict_dates
-- Their dates: the stored version's. Only asked when there are any (it joins the few conflicts to the events).
SELECT DISTINCT e.event_date FROM event_conflicts c JOIN events e USING (source_system, source_event_id)
WHERE c.run_id > $last ORDER BY 1;

-- step: widened_units
-- With a reference change, new events re-check every account-day of their dates widened by the margin
-- (the registered frame `widened`).
INSERT INTO chk_scope_units
SELECT DISTINCT source_system, account, event_date FROM account_client_days
WHERE event_date IN (SELECT d FROM widened);

-- step: units_count
SELECT count(*) FROM chk_scope_units;
