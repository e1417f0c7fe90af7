-- title: is the client-sorted copy still what the store holds? (one row: true when fresh)
-- description: Compares the counts and run ids recorded when disclosure_events_by_client was built with the
--   store's current ones. Cheap: counts of whole tables and maxima of small tables. Fails with a catalog
--   error when the copy was never built (the caller treats that as stale).
SELECT s.events_count = (SELECT count(*) FROM events)
   AND s.max_ingest_run IS NOT DISTINCT FROM (SELECT max(run_id) FROM ingest_runs)
   AND s.max_check_run IS NOT DISTINCT FROM (SELECT max(check_run_id) FROM check_runs)
   AND s.finding_events_count = (SELECT count(*) FROM finding_events)
   AND s.reference_import IS NOT DISTINCT FROM (SELECT max(import_id) FROM reference_imports) AS fresh
FROM disclosure_index_state s;
