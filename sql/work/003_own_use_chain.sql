-- title: the own use log is hash-chained and records outcomes (work store, SQLite)
-- description: Applied by pipelines/workstore.py when the columns are missing (SQLite has no ADD COLUMN
--   IF NOT EXISTS). row_hash = sha256(previous row's hash, this row's fields): editing, deleting or
--   inserting a row breaks the chain from that row on, and `lokivahti status` says where. `outcome`
--   records a failed sign-in; `detail` what an export held (counts, never identity codes).
ALTER TABLE app_access_log ADD COLUMN outcome TEXT;     -- success (NULL) or failure
ALTER TABLE app_access_log ADD COLUMN detail TEXT;
ALTER TABLE app_access_log ADD COLUMN row_hash TEXT;
