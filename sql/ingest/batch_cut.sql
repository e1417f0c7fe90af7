-- title: where a batch of files must be cut: the first file that repeats an event id of an earlier file of the batch
-- description: Runs after normalise.sql's `files` step. Files of one batch are normalised against the store as
--   it was before the batch, so an id in two of its files would be stored twice or judged against the wrong
--   copy; the engine cuts the batch before the returned run (NULL: no id is shared) and the later part goes in
--   after the earlier part is stored, as file-by-file ingest would.
WITH shared AS (
    SELECT source_system, source_event_id FROM checked WHERE bad_field IS NULL
    GROUP BY ALL HAVING count(DISTINCT file_path) > 1
), runs AS (
    SELECT DISTINCT c.source_system, c.source_event_id, f.run_id
    FROM checked c
    SEMI JOIN shared s ON s.source_system = c.source_system AND s.source_event_id = c.source_event_id
    JOIN ingest_batch_files f ON f.file_path = c.file_path
    WHERE c.bad_field IS NULL
)
SELECT min(run_id) FROM (
    SELECT run_id, dense_rank() OVER (PARTITION BY source_system, source_event_id ORDER BY run_id) AS k FROM runs
) WHERE k = 2;
