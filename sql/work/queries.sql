-- title: the work store's small statements (SQLite), one `-- step:` each, read by pipelines/workstore.py
-- description: Positional `?` parameters (SQLite). The column lists of the own-use log follow CHAINED in
--   pipelines/workstore.py: the hash chain covers exactly these fields in this order.
-- step: wal
PRAGMA journal_mode=WAL
-- step: busy_timeout
PRAGMA busy_timeout=30000
-- step: schema_version
INSERT OR IGNORE INTO work_schema_version VALUES (1, ?)
-- step: review_log_columns
PRAGMA table_info(review_log)
-- step: access_log_columns
PRAGMA table_info(app_access_log)
-- step: last_review
SELECT version, actor, at FROM review_log WHERE finding_id = ? ORDER BY version DESC LIMIT 1
-- step: add_review
INSERT INTO review_log (finding_id, status, assignee, note, actor, at, version) VALUES (?, ?, ?, ?, ?, ?, ?)
-- step: review_version
SELECT max(version) FROM review_log WHERE finding_id = ?
-- step: current_reviews
SELECT finding_id, status, assignee, note, actor, at, version FROM review_log r
WHERE id = (SELECT max(id) FROM review_log WHERE finding_id = r.finding_id)
-- step: review_history
SELECT status, assignee, note, actor, at FROM review_log WHERE finding_id = ? ORDER BY id
-- step: wanted_table
CREATE TEMP TABLE wanted (finding_id TEXT PRIMARY KEY)
-- step: wanted_row
INSERT OR IGNORE INTO wanted VALUES (?)
-- step: review_history_of_wanted
SELECT r.finding_id, status, assignee, note, actor, at, version FROM review_log r
JOIN wanted USING (finding_id) ORDER BY r.id
-- step: last_row_hash
SELECT row_hash FROM app_access_log WHERE row_hash IS NOT NULL ORDER BY id DESC LIMIT 1
-- step: add_access
INSERT INTO app_access_log (at, user_name, role, action, page, client_id, staff_id, provider_id,
                            recipient, session_id, outcome, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
-- step: set_row_hash
UPDATE app_access_log SET row_hash = ? WHERE id = ?
-- step: chained_rows
SELECT id, at, user_name, role, action, page, client_id, staff_id, provider_id,
       recipient, session_id, outcome, detail, row_hash
FROM app_access_log ORDER BY id
-- step: access_log_after
SELECT id, at, user_name, role, action, page, client_id, staff_id, provider_id,
       recipient, session_id, outcome, detail
FROM app_access_log WHERE id > ? ORDER BY id
