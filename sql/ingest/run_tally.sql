-- title: where every record of the run went, after normalise.sql: staged, quarantined, already stored, new
-- description: `checked` and `existing` are normalise.sql's temp tables; an existing event whose content
--   differs was quarantined, so only the identical ones count as already stored.
SELECT (SELECT count(*) FROM checked) AS staged,
    (SELECT count(*) FROM quarantine WHERE run_id = $run_id) AS quarantined,
    (SELECT count(*) FROM existing WHERE differing = '') AS existing_same,
    (SELECT count(*) FROM events WHERE run_id = $run_id) AS new_events;
