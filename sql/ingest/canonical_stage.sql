-- title: the canonical event CSV as the temp view `stage`, every column read as text (pipelines/ingest/canonical.py)
-- description: DuckDB's reader streams the file; lines it cannot split (missing or extra fields, invalid UTF-8,
--   over max_line_size) go to csv_rejects with their line and text and are quarantined from there.
--   A view cannot take prepared parameters, so the `{…}` slots are filled by stage_view_sql() and by nothing
--   else: {columns} the header's canonical column list (absent optional columns as NULL), {types} the header as
--   a struct of VARCHAR types, {source} the quoted path(s), {file_path} the quoted path (one file) or the reader's
--   file-name column (several), {by_file} that column's option, {max_line} the line limit. Every name in them
--   was checked for quotes and every path had its quotes doubled.
CREATE OR REPLACE TEMP VIEW stage AS
SELECT {columns}, CAST(NULL AS BIGINT) AS record_no, CAST(NULL AS BIGINT) AS line_no,
       CAST(NULL AS VARCHAR) AS raw, {file_path} AS file_path
FROM read_csv({source}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
              columns = {types}, store_rejects = true, rejects_table = 'csv_rejects',
              rejects_scan = 'csv_reject_scans', max_line_size = {max_line}{by_file})
