-- migration: 1
-- title: normalised access events, ingest runs, quarantine
-- The one place where the normalised event is defined. Column meanings are documented in
-- docs/event-schema.md; tests/test_schema_docs.py checks that every column is documented.

CREATE SEQUENCE IF NOT EXISTS ingest_run_seq START 1;

-- One row per file per ingest run: what was read and where every record went.
-- Invariant (tested): records_read = normalised_new + normalised_existing + quarantined.
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id              BIGINT PRIMARY KEY,
    path                VARCHAR NOT NULL,
    file_name           VARCHAR NOT NULL,
    size_bytes          BIGINT,
    format              VARCHAR NOT NULL,      -- canonical_csv, mapping:<name>, fhir, atna
    source_system       VARCHAR,               -- the mapping's system; NULL when the file names it per record
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    records_read        BIGINT,
    normalised_new      BIGINT,
    normalised_existing BIGINT,                -- already stored with identical content (re-ingest, overlap)
    quarantined         BIGINT,
    status              VARCHAR NOT NULL       -- done, failed
);

-- The normalised access event. Identity is (source_system, source_event_id): stable per source,
-- so re-ingesting a file or an overlapping export adds nothing.
CREATE TABLE IF NOT EXISTS events (
    source_system             VARCHAR NOT NULL,
    source_event_id           VARCHAR NOT NULL,
    event_time                TIMESTAMPTZ NOT NULL,  -- the instant (stored UTC)
    event_local               TIMESTAMP NOT NULL,    -- the same instant as Europe/Helsinki wall-clock time
    event_date                DATE NOT NULL,         -- Helsinki calendar date: periods in reference data are local dates
    account                   VARCHAR,
    client_id                 VARCHAR,
    action                    VARCHAR NOT NULL,      -- read, search, create, update, delete, print, export, disclose, other
    service_task              VARCHAR,
    document                  VARCHAR,
    purpose                   VARCHAR,               -- client_relationship, other_task, statutory_right, emergency, supervision
    emergency                 BOOLEAN NOT NULL,
    channel                   VARCHAR,               -- native, portal, kanta, email
    organisation_id           VARCHAR,
    unit_id                   VARCHAR,
    controller_id             VARCHAR,
    recipient_organisation_id VARCHAR,
    outcome                   VARCHAR,               -- success, failure
    session_id                VARCHAR,
    search_criteria           VARCHAR,
    record_count              INTEGER,
    time_flag                 VARCHAR,               -- NULL, ambiguous_first, ambiguous_second, nonexistent (see docs/time.md)
    run_id                    BIGINT NOT NULL,
    record_no                 BIGINT NOT NULL,       -- 1-based record number in the source file
    raw                       VARCHAR                -- original record for JSON/XML sources; NULL for CSV (file + record_no point to it)
);

-- Records that could not be normalised. Nothing is dropped: each keeps its file, record number,
-- raw text and the reason, naming the field where one is to blame.
CREATE TABLE IF NOT EXISTS quarantine (
    run_id        BIGINT NOT NULL,
    path          VARCHAR NOT NULL,
    record_no     BIGINT,
    line_no       BIGINT,
    field         VARCHAR,
    reason        VARCHAR NOT NULL,
    raw           VARCHAR,
    quarantined_at TIMESTAMPTZ NOT NULL
);

-- An event id seen again with different content: "an export that differs when extracted again".
-- The stored version is kept; the new version is quarantined and recorded here for the log-completeness check.
CREATE TABLE IF NOT EXISTS event_conflicts (
    source_system   VARCHAR NOT NULL,
    source_event_id VARCHAR NOT NULL,
    run_id          BIGINT NOT NULL,
    record_no       BIGINT,
    differing       VARCHAR NOT NULL,   -- comma-separated column names that differ
    detected_at     TIMESTAMPTZ NOT NULL
);
