-- title: which account-days a change of reference data can touch (pipelines/checks/reference_changes.py)
-- description: `rows_now` describes every reference row in force in the shape of reference_seen: its content
--   hash and the keys and period through which it can change a finding. A row that differs from what the last
--   check saw (present on one side only) touches: an involvement, authorisation, prohibition or permission row,
--   its client's events in the row's period (authorisations: all of the client's events, since a row's start,
--   end or cancellation decides the subtype of the findings before and after it as well as within it: a row
--   registered later turns an earlier 'never_authorised' into 'before_start'); a client row, the client's
--   events of all time; a staff row, the events of that staff member's accounts from the row's start on, and
--   the events whose client is that person (co-worker, self access); an account row, that account's events of
--   all time. The periods widen by $widen days on both sides (the incremental margin plus the emergency
--   follow-up window). Organisations, units and role permissions change every judgement at once: the caller
--   re-checks everything then.
--   `units` then lists the touched account-days: the runner re-checks whole account-days.

-- step: rows_now
CREATE OR REPLACE TEMP TABLE chk_reference_now AS
SELECT 'involvement' AS table_name, md5(CAST(row(client_id, staff_id, unit_id, kind, valid_from, valid_to) AS VARCHAR)) AS row_hash,
    client_id, NULL AS staff_id, NULL AS source_system, NULL AS account,
    least(valid_from, coalesce(valid_to, valid_from)) AS valid_from, greatest(valid_from, coalesce(valid_to, DATE '9999-12-31')) AS valid_to,
    md5(CAST(row(client_id, staff_id, unit_id, kind, coalesce(valid_to < valid_from, false)) AS VARCHAR)) AS key_hash
FROM ref_involvement
UNION ALL
SELECT 'provider_authorisations', md5(CAST(row(organisation_id, client_id, agreement, phase, valid_from, valid_to, cancelled_on) AS VARCHAR)),
    client_id, NULL, NULL, NULL, DATE '0001-01-01', DATE '9999-12-31', NULL
FROM ref_provider_authorisations
UNION ALL
SELECT 'disclosure_prohibitions', md5(CAST(row(client_id, scope, target, valid_from, valid_to) AS VARCHAR)),
    client_id, NULL, NULL, NULL, least(valid_from, coalesce(valid_to, valid_from)), greatest(valid_from, coalesce(valid_to, DATE '9999-12-31')),
    md5(CAST(row('disclosure_prohibitions', client_id, scope, target, coalesce(valid_to < valid_from, false)) AS VARCHAR))
FROM ref_disclosure_prohibitions
UNION ALL
SELECT 'disclosure_permissions', md5(CAST(row(client_id, scope, valid_from, valid_to) AS VARCHAR)),
    client_id, NULL, NULL, NULL, least(valid_from, coalesce(valid_to, valid_from)), greatest(valid_from, coalesce(valid_to, DATE '9999-12-31')),
    md5(CAST(row('disclosure_permissions', client_id, scope, coalesce(valid_to < valid_from, false)) AS VARCHAR))
FROM ref_disclosure_permissions
UNION ALL
SELECT 'clients', md5(CAST(row(client_id, full_name, birth_date, address, deceased_on, security_prohibition,
        placement_secret, placement_secret_until, minor_capacity) AS VARCHAR)),
    client_id, NULL, NULL, NULL, DATE '0001-01-01', DATE '9999-12-31', NULL
FROM ref_clients
UNION ALL
SELECT 'staff', md5(CAST(row(staff_id, full_name, personal_id, address, organisation_id, unit_id, role, title, valid_from, valid_to) AS VARCHAR)),
    nullif(personal_id, ''), staff_id, NULL, NULL, coalesce(least(valid_from, coalesce(valid_to, valid_from)), DATE '0001-01-01'), DATE '9999-12-31', NULL
FROM ref_staff
UNION ALL
SELECT 'accounts', md5(CAST(row(source_system, account, staff_id) AS VARCHAR)), NULL, NULL, source_system, account,
    DATE '0001-01-01', DATE '9999-12-31', NULL
FROM ref_accounts
UNION ALL
SELECT 'organisations', md5(CAST(row(organisation_id, name, kind) AS VARCHAR)), NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ref_organisations
UNION ALL
SELECT 'units', md5(CAST(row(unit_id, organisation_id, name, service_task) AS VARCHAR)), NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ref_units
UNION ALL
SELECT 'role_permissions', md5(CAST(row(role, service_task, action, requires_involvement) AS VARCHAR)), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM ref_role_permissions;

-- step: changed
-- side: 1 a row in force the last check did not see, -1 a row it saw that is gone. The rows are compared without
-- key_hash (rows remembered before that column existed have none; they must not all look changed), which is
-- then looked up by the row's hash on its own side (equal hashes, equal content).
CREATE OR REPLACE TEMP TABLE chk_reference_changed AS
WITH now_rows AS (SELECT * EXCLUDE (key_hash) FROM chk_reference_now),
seen_rows AS (SELECT * EXCLUDE (key_hash) FROM reference_seen),
now_keys AS (SELECT table_name, row_hash, max(key_hash) AS key_hash FROM chk_reference_now GROUP BY ALL),
seen_keys AS (SELECT table_name, row_hash, max(key_hash) AS key_hash FROM reference_seen GROUP BY ALL)
SELECT c.*, 1 AS side, k.key_hash
FROM (SELECT * FROM now_rows EXCEPT ALL SELECT * FROM seen_rows) c
LEFT JOIN now_keys k ON k.table_name = c.table_name AND k.row_hash = c.row_hash
UNION ALL
SELECT c.*, -1, k.key_hash
FROM (SELECT * FROM seen_rows EXCEPT ALL SELECT * FROM now_rows) c
LEFT JOIN seen_keys k ON k.table_name = c.table_name AND k.row_hash = c.row_hash;

-- step: forget_units
DELETE FROM chk_scope_units;

-- step: touched
-- The touched keys with widened periods (the person of a staff row is touched as a client too).
-- An involvement row counts only through whether its period holds a date (sql/checks/_access_context.sql, steps
-- involvement_rows and involvement: the best rank on the date, any row within the emergency follow-up window, both
-- by membership), and so do a disclosure prohibition and a permission (step disclosure_status_of_events: EXISTS a
-- row whose period holds the date), so rows that differ only in their period (the same key_hash: the row's table
-- and fields but its period, and whether the period is reversed) touch only the dates on which the number of such
-- rows holding the date changed: a row moved to begin sixty days earlier touches those sixty days, not its whole
-- period. Provider authorisations are not paired: a row's bounds word the findings outside its period too. The
-- dates are found piece by piece between the periods' bounds, without listing days; a row without key_hash (remembered
-- before it existed) or without a period touches its whole period as every other row does.
CREATE OR REPLACE TEMP TABLE chk_reference_touched AS
WITH paired AS (
    SELECT client_id, key_hash, side, valid_from AS lo, valid_to AS hi FROM chk_reference_changed
    WHERE key_hash IS NOT NULL AND client_id IS NOT NULL AND valid_from IS NOT NULL AND valid_to IS NOT NULL
), bounds AS (
    SELECT client_id, key_hash, lo AS b FROM paired
    UNION
    SELECT client_id, key_hash, hi + 1 FROM paired
), pieces AS (
    SELECT client_id, key_hash, b AS lo, lead(b) OVER (PARTITION BY client_id, key_hash ORDER BY b) - 1 AS hi
    FROM bounds
), changed_pieces AS (
    SELECT p.client_id, p.lo, p.hi FROM pieces p
    JOIN paired r ON r.client_id = p.client_id AND r.key_hash = p.key_hash AND p.lo BETWEEN r.lo AND r.hi
    WHERE p.hi IS NOT NULL
    GROUP BY p.client_id, p.key_hash, p.lo, p.hi HAVING sum(r.side) <> 0
), client_periods AS (
    SELECT client_id, lo AS valid_from, hi AS valid_to FROM changed_pieces
    UNION ALL
    SELECT client_id, valid_from, valid_to FROM chk_reference_changed
    WHERE client_id IS NOT NULL AND table_name <> 'staff'
      AND NOT (key_hash IS NOT NULL AND valid_from IS NOT NULL AND valid_to IS NOT NULL)
)
SELECT client_id, NULL AS staff_id, NULL AS source_system, NULL AS account,
    CASE WHEN valid_from > DATE '0001-12-31' THEN valid_from - CAST($widen AS INTEGER) ELSE valid_from END AS lo,
    CASE WHEN valid_to < DATE '9999-01-01' THEN valid_to + CAST($widen AS INTEGER) ELSE valid_to END AS hi
FROM client_periods
UNION ALL
SELECT client_id, NULL, NULL, NULL, DATE '0001-01-01', DATE '9999-12-31'
FROM chk_reference_changed WHERE client_id IS NOT NULL AND table_name = 'staff'
UNION ALL
SELECT NULL, staff_id, NULL, NULL,
    CASE WHEN valid_from > DATE '0001-12-31' THEN valid_from - CAST($widen AS INTEGER) ELSE valid_from END, valid_to
FROM chk_reference_changed WHERE staff_id IS NOT NULL
UNION ALL
SELECT NULL, NULL, source_system, account, DATE '0001-01-01', DATE '9999-12-31'
FROM chk_reference_changed WHERE account IS NOT NULL;

-- step: units
-- The touched account-days: events of a touched client in its period, of a touched staff member's accounts
-- (as mapped now; a changed mapping is an accounts row of its own) in theirs, and of a touched account. Read
-- from the account-client-day counts kept at ingest (sql/schema/010_event_summaries.sql), not from the events.
INSERT INTO chk_scope_units
WITH staff_accounts AS (
    SELECT a.source_system, a.account, t.lo, t.hi FROM chk_reference_touched t
    JOIN ref_accounts a ON a.staff_id = t.staff_id
), ev AS (
    SELECT e.source_system, e.account, e.event_date FROM account_client_days e
    JOIN (SELECT client_id, lo, hi FROM chk_reference_touched WHERE client_id IS NOT NULL) t
      ON t.client_id = e.client_id AND e.event_date BETWEEN t.lo AND t.hi
    UNION
    SELECT e.source_system, e.account, e.event_date FROM account_client_days e
    JOIN staff_accounts s ON s.source_system = e.source_system AND s.account = e.account
     AND e.event_date BETWEEN s.lo AND s.hi
    UNION
    SELECT e.source_system, e.account, e.event_date FROM account_client_days e
    JOIN (SELECT source_system, account FROM chk_reference_touched WHERE account IS NOT NULL) t
      ON t.source_system = e.source_system AND t.account = e.account
)
SELECT DISTINCT * FROM ev;

-- step: remembered
SELECT count(*) FROM reference_seen;

-- step: changed_tables
SELECT DISTINCT table_name FROM chk_reference_changed;

-- step: unit_dates
SELECT DISTINCT event_date FROM chk_scope_units ORDER BY 1;

-- step: remember
DELETE FROM reference_seen;
INSERT INTO reference_seen BY NAME SELECT * FROM chk_reference_now;
