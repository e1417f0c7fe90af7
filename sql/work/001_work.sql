-- migration: 1
-- title: the work store (SQLite): review state, request register, the dashboard's own access log
-- The dashboard and the CLI both write here, briefly, while the pipeline holds the DuckDB store;
-- SQLite (WAL, busy timeout) lets several processes take turns. The pipeline reads it.

CREATE TABLE IF NOT EXISTS review_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('new', 'under_review', 'explained', 'violation_confirmed', 'false_positive')),
    assignee    TEXT,
    note        TEXT,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL            -- ISO 8601 UTC
);
CREATE INDEX IF NOT EXISTS review_log_finding ON review_log (finding_id, id);

CREATE TABLE IF NOT EXISTS requests (
    request_id      TEXT PRIMARY KEY,
    received_on     TEXT NOT NULL,       -- YYYY-MM-DD
    client_id       TEXT NOT NULL,
    requester_name  TEXT,
    relation        TEXT NOT NULL CHECK (relation IN ('self', 'guardian', 'representative')),
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    due_on          TEXT NOT NULL,       -- statutory: received_on + 2 months
    internal_due_on TEXT NOT NULL,
    status          TEXT NOT NULL,       -- received, in_progress, held_for_decision, refused, delivered
    handler         TEXT,
    delivered_on    TEXT,
    special_reason  TEXT,                -- recorded reason for a period reaching back over two years
    decision        TEXT,                -- the written decision's text when held or refused
    repeated_of     TEXT,                -- an earlier request of the same client within a year
    language        TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS app_access_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,           -- ISO 8601 UTC
    user_name   TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,           -- read, search, export, print, disclose (canonical actions)
    page        TEXT,
    client_id   TEXT,
    staff_id    TEXT,
    provider_id TEXT,
    recipient   TEXT,                    -- for disclosures (a request's answer)
    session_id  TEXT
);

CREATE TABLE IF NOT EXISTS work_schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
