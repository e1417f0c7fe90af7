-- migration: 2
-- title: reference data (DOMAIN.md contract), replaced as a whole snapshot on each import

CREATE TABLE IF NOT EXISTS reference_imports (
    import_id    BIGINT PRIMARY KEY,
    directory    VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,       -- sha256 over the imported files: checks re-run everything when it changes
    imported_at  TIMESTAMPTZ NOT NULL,
    rows_loaded  BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS ref_organisations (
    organisation_id VARCHAR NOT NULL, name VARCHAR, kind VARCHAR NOT NULL, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_units (
    unit_id VARCHAR NOT NULL, organisation_id VARCHAR, name VARCHAR, service_task VARCHAR, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_staff (
    staff_id VARCHAR NOT NULL, full_name VARCHAR, personal_id VARCHAR, address VARCHAR,
    organisation_id VARCHAR, unit_id VARCHAR, role VARCHAR, title VARCHAR,
    valid_from DATE, valid_to DATE, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_accounts (
    source_system VARCHAR NOT NULL, account VARCHAR NOT NULL, staff_id VARCHAR NOT NULL, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_role_permissions (
    role VARCHAR NOT NULL, service_task VARCHAR NOT NULL, action VARCHAR NOT NULL,
    requires_involvement BOOLEAN NOT NULL, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_involvement (
    client_id VARCHAR NOT NULL, staff_id VARCHAR, unit_id VARCHAR, kind VARCHAR NOT NULL,
    valid_from DATE NOT NULL, valid_to DATE, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_provider_authorisations (
    organisation_id VARCHAR NOT NULL, client_id VARCHAR NOT NULL, agreement VARCHAR NOT NULL,
    phase VARCHAR NOT NULL, valid_from DATE NOT NULL, valid_to DATE, cancelled_on DATE, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_clients (
    client_id VARCHAR NOT NULL, full_name VARCHAR, birth_date DATE, address VARCHAR,
    deceased_on DATE, security_prohibition BOOLEAN NOT NULL, placement_secret BOOLEAN NOT NULL,
    placement_secret_until DATE, minor_capacity VARCHAR, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_disclosure_prohibitions (
    client_id VARCHAR NOT NULL, scope VARCHAR NOT NULL, target VARCHAR NOT NULL,
    valid_from DATE NOT NULL, valid_to DATE, line_no BIGINT
);
CREATE TABLE IF NOT EXISTS ref_disclosure_permissions (
    client_id VARCHAR NOT NULL, scope VARCHAR NOT NULL, valid_from DATE NOT NULL, valid_to DATE, line_no BIGINT
);

-- Rows of reference files that failed validation: file, line, column and reason (never the value itself,
-- which may be a personal identity code).
CREATE TABLE IF NOT EXISTS reference_rejects (
    import_id BIGINT NOT NULL, file_name VARCHAR NOT NULL, line_no BIGINT, column_name VARCHAR,
    reason VARCHAR NOT NULL
);
