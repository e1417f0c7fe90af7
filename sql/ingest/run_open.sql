-- title: an ingest run starts: one row per file per run, 'running' until run_close.sql marks it done
INSERT INTO ingest_runs (run_id, path, file_name, size_bytes, format, source_system, started_at, status)
VALUES ($run_id, $resolved_path, $file_name, $size_bytes, $format, $source_system, $started_at, 'running');
