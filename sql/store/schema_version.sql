-- title: the store's schema version: which migrations of sql/schema/ it has, read and written by pipelines/store.py

-- step: create
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, title VARCHAR, applied_at TIMESTAMPTZ NOT NULL);

-- step: current
SELECT coalesce(max(version), 0) FROM schema_version;

-- step: applied
INSERT INTO schema_version VALUES ($version, $title, $applied_at);
