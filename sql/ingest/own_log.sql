-- title: the own use log's import into the store (pipelines/ingest/applog.py), one `-- step:` each
-- description: own_log_import has one row per import: the last work-store app_access_log id it imported.
--   The next import starts after max(last_id), never after the largest event id of source `lokivahti` (an
--   ingested file could once set that). Created on first use, so a store of any schema version has it.
-- step: state
CREATE TABLE IF NOT EXISTS own_log_import (last_id BIGINT NOT NULL, imported_at TIMESTAMPTZ NOT NULL);
-- step: last_id
SELECT max(last_id) FROM own_log_import
-- step: mark_imported
INSERT INTO own_log_import VALUES ($last, now())
-- step: known_accounts
-- dashboard users known to the reference data: an account of source $s that points at a staff record
SELECT a.account FROM ref_accounts a JOIN ref_staff s USING (staff_id) WHERE lower(a.source_system) = $s
-- step: imported_ids
SELECT try_cast(source_event_id AS BIGINT) FROM events WHERE source_system = $s
