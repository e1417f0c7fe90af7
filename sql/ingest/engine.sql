-- title: the ingest engine's own statements (pipelines/ingest/engine.py): staging, quarantine bookkeeping, runs
-- description: The small statements around sql/ingest/normalise.sql: the stage table an adapter's records go
--   into (its columns are those of the registered empty Arrow table `stage_shape`, the canonical columns as
--   text), the quarantine rows of records the reader or an adapter refused and their line numbers, the next
--   ingest run id, and the refusal of the source name reserved for the tool's own use log.

-- step: stage_table
CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM stage_shape

-- step: stage_rows
-- `arrow_batch`: one batch of an adapter's records (a Python Arrow table found by DuckDB's replacement scan)
INSERT INTO stage SELECT * FROM arrow_batch

-- step: quarantine_record
-- run, path, record number, line number, field (NULL: no one field is to blame), reason, raw text
INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())

-- step: csv_rejects
-- Lines DuckDB's CSV reader could not split, one row per file and line with its first error
SELECT s.file_path, r.line, arg_min(r.column_name, r.byte_position), arg_min(r.error_type, r.byte_position),
    arg_min(r.error_message, r.byte_position), arg_min(r.csv_line, r.byte_position)
FROM csv_rejects r JOIN csv_reject_scans s USING (scan_id, file_id)
GROUP BY s.file_path, r.line
ORDER BY s.file_path, r.line

-- step: staged_per_file
-- records the reader parsed, per file as staged (normalise.sql's `checked`): held against the file's own line count
SELECT file_path, count(*) FROM checked GROUP BY file_path

-- step: unlined_quarantine
-- quarantine rows of the runs $first_run..$last_run that know their record but not yet their line
SELECT rowid, run_id, record_no FROM quarantine
WHERE run_id BETWEEN $first_run AND $last_run AND line_no IS NULL AND record_no IS NOT NULL

-- step: set_line
UPDATE quarantine SET line_no = ?, raw = ? WHERE rowid = ?

-- step: next_run
SELECT nextval('ingest_run_seq')

-- step: batch_table
-- each file of the batch with its run (`ingest_batch_rows`: a registered Arrow table)
CREATE OR REPLACE TEMP TABLE ingest_batch AS SELECT * FROM ingest_batch_rows

-- step: drop_csv_rejects
DROP TABLE IF EXISTS csv_rejects

-- step: drop_csv_reject_scans
DROP TABLE IF EXISTS csv_reject_scans

-- step: drop_stage_view
DROP VIEW IF EXISTS stage

-- step: drop_stage_table
DROP TABLE IF EXISTS stage

-- step: reserved_source
-- the first record claiming the source name reserved for the tool's own use log ($name)
SELECT record_no, line_no, path FROM checked_rows WHERE source_system = $name ORDER BY run_id, record_no LIMIT 1
