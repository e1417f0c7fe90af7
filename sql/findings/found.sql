-- title: the shape of a finding before it is stored: what every rule query and the anomaly model yield
-- description: A temp table filled by the checks runner (one INSERT BY NAME per rule) or by the model, then
--   written by findings/store.sql. `severity` is left NULL by rules (the catalogue's severity applies) and
--   set by the model, whose severity depends on the rank of the case.
CREATE OR REPLACE TEMP TABLE chk_found (
    rule_id VARCHAR, finding_key VARCHAR, source_system VARCHAR, account VARCHAR, staff_id VARCHAR,
    client_id VARCHAR, organisation_id VARCHAR, unit_id VARCHAR, first_time TIMESTAMPTZ,
    last_time TIMESTAMPTZ, event_date DATE, evidence JSON,
    events STRUCT(source_system VARCHAR, source_event_id VARCHAR)[], severity VARCHAR
);

-- The dates (and account-days) checked; the model, which replaces its findings whole, sets none.
CREATE TEMP TABLE IF NOT EXISTS chk_scope_dates (d DATE);
CREATE TEMP TABLE IF NOT EXISTS chk_scope_units (source_system VARCHAR, account VARCHAR, event_date DATE);
