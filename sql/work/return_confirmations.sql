-- title: the supervision unit's confirmations that a provider returned or deleted a client's documents
-- description: Work store (SQLite), created if missing by pipelines/reports/return_duties.py. Append-only:
--   a later row for the same authorisation supersedes an earlier one in the provider page and pack, the
--   history stays. Keyed by the authorisation (provider, client, phase, first day), not by a line number,
--   so that a re-imported reference file keeps the confirmations.
CREATE TABLE IF NOT EXISTS return_confirmations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    phase           TEXT NOT NULL,
    valid_from      TEXT NOT NULL,      -- YYYY-MM-DD, the authorisation's first day
    confirmed_on    TEXT NOT NULL,      -- YYYY-MM-DD, when the provider's return or deletion was confirmed
    note            TEXT,
    actor           TEXT NOT NULL,
    at              TEXT NOT NULL       -- ISO 8601 UTC
);
CREATE INDEX IF NOT EXISTS return_confirmations_key ON return_confirmations (organisation_id, client_id, id);
