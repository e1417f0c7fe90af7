-- title: the request register's own columns: how the requester was verified, the handler's decision, history
-- description: Applied by pipelines/disclosure/register.py when the columns are missing (SQLite has no
--   ADD COLUMN IF NOT EXISTS), after 002_request_decisions.sql.
--   requester_address: the recipient block of the letter. identity_verified: how the requester's identity was
--   checked (in_person, strong_eid, suomi_fi_mandate, signed_letter), right_to_act: how a guardian or
--   representative showed the right to act for the client (the seeds' request form asks for both).
--   professional_decision is release, partly or refuse; a refusal or a partial one carries its ground (a key
--   of pipelines/disclosure/grounds.py) and the handler's written reasoning (professional_reason).
--   release_from/release_to narrow the released period, withheld_rows lists the rows kept back
--   (source_system:source_event_id, one a line); keep_redaction = 0 lifts the whereabouts redaction after the
--   handler has checked that no decision covers the period; fee is a charge the handler set (11 § 3 mom,
--   GDPR 12(5)). request_history keeps every change (the register is corrected, never rewritten).
ALTER TABLE requests ADD COLUMN requester_address TEXT;
ALTER TABLE requests ADD COLUMN identity_verified TEXT;
ALTER TABLE requests ADD COLUMN right_to_act TEXT;
ALTER TABLE requests ADD COLUMN professional_ground TEXT;
ALTER TABLE requests ADD COLUMN release_from TEXT;
ALTER TABLE requests ADD COLUMN release_to TEXT;
ALTER TABLE requests ADD COLUMN withheld_rows TEXT;
ALTER TABLE requests ADD COLUMN keep_redaction INTEGER;
ALTER TABLE requests ADD COLUMN fee TEXT;
CREATE TABLE IF NOT EXISTS request_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  TEXT NOT NULL,
    at          TEXT NOT NULL,           -- ISO 8601 UTC
    actor       TEXT NOT NULL,
    change      TEXT NOT NULL,           -- registered, corrected, cancelled, decided, held, refused, delivered, interim
    detail      TEXT,                    -- JSON: {field: [old, new]}
    reason      TEXT
);
CREATE INDEX IF NOT EXISTS request_history_request ON request_history (request_id, id);
