-- title: the model's feature catalogue and each user-day's peer group
-- description: Reads feature_user_day (001_user_day.sql). A person's peers are the staff with the same
--   role and unit in the staff row in force on that day (docs/rules.md); a peer group with fewer than
--   $min_peers people falls back to the role across units, and then to everyone.
--   The feature catalogue below is the ordered list of model features and their floors (the smallest
--   difference worth counting: one client, five percentage points, a quarter of an hour).
--   The normalisation itself is done on the user-day frame (pipelines/scoring/features.py, `normalise`): for
--   each feature, peer_z = (x - peer median) / scale, the peer median being the group's over all its days
--   (for the day-context features that of the peers at work the same day, when at least three are), scale = max(1.4826 * peer MAD,
--   (peer p90 - peer median) / 1.2816, the feature's floor) over all the group's days, so one unusual person
--   cannot widen their own yardstick; own_z = (x - median of the person's active days from before the recent
--   weeks: [model] history_days days ending history_gap days back) / the same scale, 0 until at least 20 such
--   days exist (warm-up).
--   Parameters: $min_peers.

-- step: catalogue
-- Counts rather than shares where a share would rest on a handful of events: one evening read is a late
-- share of 100 %, thirteen are thirteen out-of-hours clients. The shares stay in feature_user_day for reports.
-- `own`: also compared with the person's own days from before the recent weeks (t-90 ... t-29 active days).
-- `day_context`: compared with the peers at work the same day: the hours (a holiday or an evening the whole
-- unit worked is not unusual for its members) and the windows (on the same date every peer's window covers
-- the same stretch of the data, so the first weeks are not "quiet" and the last ones not "busy"); the other
-- features with the peer group's median over all days.
-- Protected clients: peers open none, and one is already grave. One protected client opened without
-- involvement (what the protected_client rule finds) therefore counts as a deviation of [model] min_aspect_z (3)
-- by itself: a floor of a third of a client. With half a client it was 2, so such a day could be flagged only
-- when some other aspect was unusual too (measured in docs/anomaly-model.md, section "Ranking"). Out of hours
-- a protected client may be the involved worker's own evening work: half a client, one alone is 2. The last eight
-- are windows over the person's days (pipelines/scoring/features.py, `derive`), counted only on
-- a day that itself adds to them. Clients "uncovered": opened without personal involvement and not as the
-- substitute of an absent colleague of the unit; "unaffine": uncovered and opened by none of the person's
-- collaborators (sql/features/001_user_day.sql, step community).
CREATE OR REPLACE TEMP TABLE feature_catalogue AS
SELECT * FROM (VALUES
    (1, 'clients', 1.0, true, 'volume', false),
    (2, 'client_units', 1.0, true, 'volume', false),
    (3, 'clients_uncovered', 1.0, true, 'uninvolved', false),
    (4, 'unaffine_clients', 1.0, true, 'uninvolved', false),
    (5, 'out_of_hours_clients', 1.0, true, 'hours', true),
    (6, 'protected_uninvolved_clients', 1.0 / 3, false, 'protected', false),
    (7, 'protected_out_of_hours_clients', 0.5, false, 'protected', true),
    (8, 'prints_exports', 1.0, true, 'output', false),
    (9, 'searches_per_view', 0.25, true, 'output', false),
    (10, 'week_clients_uncovered', 1.0, true, 'sustained', true),
    (11, 'month_clients_uncovered', 1.0, true, 'sustained', true),
    (12, 'quarter_clients_uncovered', 2.0, true, 'sustained', true),
    (13, 'cum_excess_28', 1.0, true, 'sustained', true),
    (14, 'own_excess_28', 1.0, false, 'sustained', true),
    (15, 'unaffine_28', 1.0, true, 'sustained', true),
    (16, 'week_excess', 1.0, true, 'sustained', true),
    (17, 'month_excess', 1.0, true, 'sustained', true)
) AS t(ord, feature, floor, own, aspect, day_context);

-- step: aspects
-- The score of a user-day adds up, over these aspects, weight * ln(1 + z), z being the largest deviation of
-- the aspect's features (peer_z; for `own` features the smaller of peer_z and own_z once the person's older
-- days exist: unusual for the peers and for the person). One number per aspect, so that ten features of one
-- kind do not outvote one feature of another. The weights say what the law weighs more: access without a
-- client relationship (703/2023 9 §) and protected clients (turvakielto) count more than volume or hours.
CREATE OR REPLACE TEMP TABLE feature_aspects AS
SELECT * FROM (VALUES
    (1, 'volume', 1.0),
    (2, 'uninvolved', 1.5),
    (3, 'hours', 1.0),
    (4, 'protected', 3.5),
    (5, 'output', 1.0),
    (6, 'sustained', 1.5)
) AS t(ord, aspect, weight);

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
