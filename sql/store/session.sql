-- title: the settings of every store connection, read by pipelines/store.py and pipelines/resources.py
-- description: Times are stored and compared in UTC; the Helsinki calendar day is computed explicitly where
--   the law counts days. The limits come from `[store]` of the configuration (docs/configuration.md).
-- step: utc
SET TimeZone = 'UTC'
-- step: memory_limit
SET memory_limit = $v
-- step: temp_directory
SET temp_directory = $v
-- step: threads
SET threads = $v
-- step: access_mode
SELECT current_setting('access_mode')
-- step: checkpoint
CHECKPOINT
-- step: session_time_zone
SET SESSION TimeZone = $v
-- step: transaction_id
-- the current transaction's id: two reads in a row agree only inside an open transaction (pipelines/sqlfiles.py
-- in_transaction)
SELECT txid_current()
-- step: memory_limit_now
-- the connection's memory limit as DuckDB prints it ('953.6 MiB'); pipelines/resources.py reads it as bytes
SELECT current_setting('memory_limit')
