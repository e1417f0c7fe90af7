-- migration: 3
-- title: findings of the rule catalogue and the model, their events, and explanations of legitimate accesses

-- A finding's identity is stable across re-runs: finding_id = md5(rule_id || '|' || finding_key),
-- where finding_key is what makes it one finding (an event, an account-day, a source-day, a reference row).
-- Review status lives in the work store (pipelines/workstore.py) keyed by finding_id, so it survives re-runs.
CREATE TABLE IF NOT EXISTS findings (
    finding_id      VARCHAR PRIMARY KEY,
    rule_id         VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    severity        VARCHAR NOT NULL,       -- low, medium, high, critical
    finding_key     VARCHAR NOT NULL,
    source_system   VARCHAR,
    account         VARCHAR,
    staff_id        VARCHAR,
    client_id       VARCHAR,
    organisation_id VARCHAR,                -- the acting organisation (a provider, for provider rules)
    unit_id         VARCHAR,
    first_time      TIMESTAMPTZ,
    last_time       TIMESTAMPTZ,
    event_date      DATE,
    event_count     INTEGER NOT NULL,
    evidence        JSON,                   -- structured: periods checked, counts, subtype...
    status          VARCHAR NOT NULL DEFAULT 'new',
    first_seen_at   TIMESTAMPTZ NOT NULL,
    last_checked_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS finding_events (
    finding_id      VARCHAR NOT NULL,
    source_system   VARCHAR NOT NULL,
    source_event_id VARCHAR NOT NULL
);

-- For every access event that is not in a finding: what made it legitimate (docs/rules.md, Explanations).
CREATE TABLE IF NOT EXISTS explanations (
    source_system   VARCHAR NOT NULL,
    source_event_id VARCHAR NOT NULL,
    client_id       VARCHAR,
    event_date      DATE,
    basis           VARCHAR NOT NULL,       -- responsible_worker, work_pair, unit, referral, supervision_case, ...
    detail          JSON
);

CREATE TABLE IF NOT EXISTS check_runs (
    check_run_id      BIGINT PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    scope             VARCHAR NOT NULL,      -- full, incremental, none
    reference_fingerprint VARCHAR,
    max_ingest_run_id BIGINT,                -- events of ingest runs up to this one have been checked
    findings_total    BIGINT,
    findings_new      BIGINT
);
