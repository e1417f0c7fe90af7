-- title: the model's feature catalogue and each user-day's peer group
-- description: Reads feature_user_day (001_user_day.sql). A person's peers are the staff with the same
--   role and unit in the staff row in force on that day (docs/rules.md); a peer group with fewer than
--   $min_peers people falls back to the role across units, and then to everyone.
--   The feature catalogue below is the ordered list of model features and their floors (the smallest
--   difference worth counting: one client, five percentage points, a quarter of an hour).
--   The normalisation itself is done on the user-day frame (pipelines/scoring/features.py, `normalise`): for
--   each feature, peer_z = (x - peer median) / scale, scale = max(1.4826 * peer MAD, (peer p90 - peer median)
--   / 1.2816, the feature's floor), so one unusual person cannot widen their own yardstick; own_z = (x -
--   median of the person's previous $history_days active days) / the same scale (0 on a person's first day).
--   Parameters: $min_peers.

-- step: catalogue
-- Counts rather than shares where a share would rest on a handful of events: one evening read is a late
-- share of 100 %, thirteen are thirteen out-of-hours clients. The shares stay in feature_user_day for reports.
CREATE OR REPLACE TEMP TABLE feature_catalogue AS
SELECT * FROM (VALUES
    (1, 'events', 2.0),
    (2, 'clients', 1.0),
    (3, 'new_clients', 1.0),
    (4, 'clients_without_involvement', 1.0),
    (5, 'no_involvement_share', 0.05),
    (6, 'out_of_hours_clients', 1.0),
    (7, 'protected_clients', 1.0),
    (8, 'searches_per_view', 0.25),
    (9, 'prints_exports', 1.0),
    (10, 'client_units', 1.0),
    (11, 'systems', 0.5),
    (12, 'span_minutes', 30.0),
    (13, 'max_gap_minutes', 30.0),
    (14, 'week_clients', 1.0),
    (15, 'week_clients_without_involvement', 1.0),
    (16, 'protected_out_of_hours_clients', 1.0)
) AS t(ord, feature, floor);

-- step: peer_of_day
-- The staff row in force on the day (the latest-starting one if rows overlap); none outside employment.
CREATE OR REPLACE TEMP TABLE feature_peer_of_day AS
WITH in_force AS (
    SELECT d.staff_id, d.day, s.role, s.unit_id, s.organisation_id
    FROM feature_user_day d
    LEFT JOIN ref_staff s
      ON s.staff_id = d.staff_id AND d.day BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
    QUALIFY row_number() OVER (PARTITION BY d.staff_id, d.day ORDER BY s.valid_from DESC NULLS LAST, s.line_no DESC) = 1
), members AS (
    SELECT DISTINCT staff_id, role, unit_id FROM in_force
), unit_sizes AS (
    SELECT role, unit_id, count(*) AS unit_peers FROM members GROUP BY ALL
), role_sizes AS (
    SELECT role, count(DISTINCT staff_id) AS role_peers FROM members GROUP BY ALL
)
SELECT i.staff_id, i.day, i.role, i.unit_id, i.organisation_id,
    CASE WHEN u.unit_peers >= $min_peers THEN 'role+unit:' || coalesce(i.role, '-') || '|' || coalesce(i.unit_id, '-')
         WHEN r.role_peers >= $min_peers THEN 'role:' || coalesce(i.role, '-')
         ELSE 'all' END AS peer_group
FROM in_force i
JOIN unit_sizes u ON u.role IS NOT DISTINCT FROM i.role AND u.unit_id IS NOT DISTINCT FROM i.unit_id
JOIN role_sizes r ON r.role IS NOT DISTINCT FROM i.role;
