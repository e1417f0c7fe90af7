-- title: where every record of each file of the batch went, after normalise.sql: staged, quarantined, already stored, new
-- description: `checked`, `ingest_batch_files` and `existing` are normalise.sql's temp tables; an existing event whose
--   content differs was quarantined, so only the identical ones count as already stored. One row per file, in
--   run order. $first_run..$last_run are the batch's runs (consecutive), so events and quarantine are read by a
--   range their zone maps can skip to, not by a join over the whole table.
SELECT f.run_id,
    coalesce(s.n, 0) AS staged,
    coalesce(q.n, 0) AS quarantined,
    coalesce(x.n, 0) AS existing_same,
    coalesce(e.n, 0) AS new_events
FROM ingest_batch_files f
LEFT JOIN (SELECT file_path, count(*) AS n FROM checked GROUP BY file_path) s USING (file_path)
LEFT JOIN (SELECT run_id, count(*) AS n FROM quarantine WHERE run_id BETWEEN $first_run AND $last_run GROUP BY run_id) q
    USING (run_id)
LEFT JOIN (SELECT run_id, count(*) AS n FROM existing WHERE differing = '' GROUP BY run_id) x USING (run_id)
LEFT JOIN (SELECT run_id, count(*) AS n FROM events WHERE run_id BETWEEN $first_run AND $last_run GROUP BY run_id) e
    USING (run_id)
ORDER BY f.run_id;
