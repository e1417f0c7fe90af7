-- title: the own use log's import sequence (pipelines/ingest/applog.py)
-- description: One row per import: the last work-store app_access_log id it imported. The next import
--   starts after max(last_id), never after the largest event id of source `lokivahti` (an ingested file
--   could once set that). Created on first use, so a store of any schema version has it.
CREATE TABLE IF NOT EXISTS own_log_import (last_id BIGINT NOT NULL, imported_at TIMESTAMPTZ NOT NULL);
