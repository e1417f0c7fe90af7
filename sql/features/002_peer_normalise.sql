-- title: peer-normalised and own-history-normalised behaviour features per staff member and day
-- description: Reads feature_user_day (001_user_day.sql). A person's peers are the staff with the same
--   role and unit in the staff row in force on that day (docs/rules.md); a peer group with fewer than
--   $min_peers people falls back to the role across units, and then to everyone. For each feature:
--   peer_z = (x - peer median) / scale, scale = max(1.4826 * peer MAD, the feature's floor), so one
--   unusual person cannot widen their own yardstick; own_z = (x - median of the person's previous
--   $history_days active days) / the same scale (0 on a person's first day).
--   The feature catalogue below is the ordered list of model features and their floors (the smallest
--   difference worth counting: one client, five percentage points, a quarter of an hour).
--   Parameters: $min_peers, $history_days.

-- step: catalogue
CREATE OR REPLACE TEMP TABLE feature_catalogue AS
SELECT * FROM (VALUES
    (1, 'events', 2.0),
    (2, 'clients', 1.0),
    (3, 'new_clients', 1.0),
    (4, 'clients_without_involvement', 1.0),
    (5, 'no_involvement_share', 0.05),
    (6, 'out_of_hours_share', 0.05),
    (7, 'late_share', 0.05),
    (8, 'protected_share', 0.05),
    (9, 'searches_per_view', 0.25),
    (10, 'prints_exports', 1.0),
    (11, 'client_units', 1.0),
    (12, 'systems', 0.5),
    (13, 'span_minutes', 30.0),
    (14, 'max_gap_minutes', 30.0)
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
), sizes AS (
    SELECT *,
        count(DISTINCT staff_id) OVER (PARTITION BY role, unit_id) AS unit_peers,
        count(DISTINCT staff_id) OVER (PARTITION BY role) AS role_peers
    FROM in_force
)
SELECT staff_id, day, role, unit_id, organisation_id,
    CASE WHEN unit_peers >= $min_peers THEN 'role+unit:' || coalesce(role, '-') || '|' || coalesce(unit_id, '-')
         WHEN role_peers >= $min_peers THEN 'role:' || coalesce(role, '-')
         ELSE 'all' END AS peer_group
FROM sizes;

-- step: long
CREATE OR REPLACE TEMP TABLE feature_long AS
SELECT l.staff_id, l.day, p.peer_group, l.feature, c.ord, c.floor, l.value
FROM (UNPIVOT feature_user_day ON COLUMNS(* EXCLUDE (staff_id, day)) INTO NAME feature VALUE value) l
JOIN feature_catalogue c USING (feature)
JOIN feature_peer_of_day p USING (staff_id, day);

-- step: normalised
CREATE OR REPLACE TEMP TABLE feature_normalised AS
WITH med AS (
    SELECT peer_group, feature, median(value) AS peer_median, quantile_cont(value, 0.9) AS peer_p90
    FROM feature_long GROUP BY ALL
), mad AS (
    SELECT l.peer_group, l.feature, any_value(m.peer_median) AS peer_median,
        greatest(1.4826 * median(abs(l.value - m.peer_median)),
                 (any_value(m.peer_p90) - any_value(m.peer_median)) / 1.2816) AS peer_spread
    FROM feature_long l JOIN med m USING (peer_group, feature)
    GROUP BY ALL
), hist AS (
    SELECT *,
        median(value) OVER (PARTITION BY staff_id, feature ORDER BY day
                            ROWS BETWEEN $history_days PRECEDING AND 1 PRECEDING) AS own_median
    FROM feature_long
)
SELECT h.staff_id, h.day, h.peer_group, h.feature, h.ord, h.value,
    m.peer_median,
    greatest(m.peer_spread, h.floor) AS scale,
    (h.value - m.peer_median) / greatest(m.peer_spread, h.floor) AS peer_z,
    h.own_median,
    coalesce((h.value - h.own_median) / greatest(m.peer_spread, h.floor), 0) AS own_z
FROM hist h JOIN mad m USING (peer_group, feature);
