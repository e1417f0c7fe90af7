-- migration: 7
-- title: the reference rows the last check saw, so a retro-dated change re-checks only what it touches

-- One row per reference row (line numbers left out: a row inserted above others must not make them look
-- changed), with the keys and the period through which the row can change a finding. Written at the end of
-- every check run; compared with the reference data in force by pipelines/checks/reference_changes.py.
CREATE TABLE IF NOT EXISTS reference_seen (
    table_name    VARCHAR NOT NULL,
    row_hash      VARCHAR NOT NULL,   -- md5 of the row's content
    client_id     VARCHAR,            -- events of this client in [valid_from, valid_to] are touched
    staff_id      VARCHAR,            -- events of this staff member's accounts in [valid_from, valid_to]
    source_system VARCHAR,            -- events of this account (all time)
    account       VARCHAR,
    valid_from    DATE,
    valid_to      DATE
);
