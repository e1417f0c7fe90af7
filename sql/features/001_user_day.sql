-- title: raw behaviour features per staff member and Helsinki day
-- description: One row per (staff_id, day) with every behaviour feature the anomaly model uses.
--   A person's accounts in several source systems count together (ref_accounts -> staff_id).
--   Days are Europe/Helsinki calendar dates (events.event_date); hours are Helsinki wall-clock hours.
--   "Access event", "personal involvement" and "protected client" follow docs/rules.md (Shared definitions).
--   The events are read once: one aggregation per (system, account, client, quarter-hour of local time,
--   action); everything after it works on that much smaller table. Times are therefore measured on
--   quarter-hours: the session span and the longest pause are multiples of 15 minutes.
--   Parameters: $work_start, $work_end (working hours [start, end), lokivahti.toml [checks]).
--   Needs the temp table feature_holidays(day DATE) of Finnish public holidays (pipelines/scoring/features.py).
--   Steps are separated by `-- step:` lines; each leaves a temp table the next one reads.

-- step: account_staff
-- One staff member per account (a duplicated account row must not double-count events).
CREATE OR REPLACE TEMP TABLE feature_account_staff AS
SELECT source_system, account, min(staff_id) AS staff_id
FROM ref_accounts
GROUP BY source_system, account;

-- step: pass
-- The one pass over the events. q = quarter-hours of local wall-clock time since 0001-01-01 00:00 (the offset
-- keeps the division a floor for every date after year 1), so q // 96 is the day and q % 96 the quarter-hour.
CREATE OR REPLACE TEMP TABLE feature_pass AS
SELECT source_system, account, client_id, action,
    (epoch_us(event_local) + 62135596800000000) // 900000000 AS q,
    count(*) AS n
FROM events
GROUP BY ALL;

-- step: failed
-- Events with a client whose outcome is not a success are no accesses (docs/rules.md); they are few, and
-- the outcome column is read on its own.
CREATE OR REPLACE TEMP TABLE feature_failed AS
SELECT source_system, account, client_id, action,
    (epoch_us(event_local) + 62135596800000000) // 900000000 AS q,
    count(*) AS n_failed
FROM events
WHERE outcome IS NOT NULL AND outcome <> 'success' AND client_id IS NOT NULL AND action <> 'other'
GROUP BY ALL;

-- step: slots
-- Per staff member, day, quarter-hour, client and action: events, and the access events among them.
CREATE OR REPLACE TEMP TABLE feature_slots AS
SELECT a.staff_id,
    DATE '0001-01-01' + CAST(p.q // 96 AS INTEGER) AS day,
    CAST(p.q % 96 AS INTEGER) AS slot,
    p.source_system, p.client_id, p.action, p.n,
    CASE WHEN p.client_id IS NOT NULL AND p.action <> 'other' THEN p.n - coalesce(f.n_failed, 0) ELSE 0 END
        AS n_access,
    (p.q % 96 < $work_start * 4 OR p.q % 96 >= $work_end * 4) AS off_clock
FROM feature_pass p
JOIN feature_account_staff a ON a.source_system = p.source_system AND a.account = p.account
LEFT JOIN feature_failed f
  ON f.source_system = p.source_system AND f.account = p.account AND f.client_id = p.client_id
 AND f.action = p.action AND f.q = p.q;

-- step: staff_day
-- Everything per staff member and day, clients aside: counts, working hours, systems, and the active
-- quarter-hours in order (for the longest pause, in user_day).
CREATE OR REPLACE TEMP TABLE feature_staff_day AS
SELECT staff_id, day,
    sum(n) AS n_events,
    sum(n) FILTER (WHERE action = 'read') AS n_read,
    sum(n) FILTER (WHERE action = 'search') AS n_search,
    sum(n) FILTER (WHERE action IN ('print', 'export')) AS n_print_export,
    sum(n) FILTER (WHERE off_clock) AS n_off_clock,
    15 * (max(slot) - min(slot)) AS span_minutes,
    count(DISTINCT source_system) AS systems,
    list_sort(list_distinct(list(slot))) AS slots
FROM feature_slots
GROUP BY staff_id, day;

-- step: staff_client_day
-- The access events per staff, day and client, and those out of working hours (by the clock, or on a
-- weekend or a public holiday).
CREATE OR REPLACE TEMP TABLE feature_staff_client_day AS
SELECT s.staff_id, s.day, s.client_id, sum(s.n_access) AS n_access,
    sum(s.n_access) FILTER (WHERE s.off_clock OR isodow(s.day) >= 6 OR h.day IS NOT NULL) AS n_out_of_hours
FROM feature_slots s
LEFT JOIN feature_holidays h ON h.day = s.day
WHERE s.n_access > 0
GROUP BY s.staff_id, s.day, s.client_id;

-- step: client_flags
-- Per staff, day and client accessed: personal involvement and protection on that day (docs/rules.md).
CREATE OR REPLACE TEMP TABLE feature_client_flags AS
WITH personal_rows AS (
    SELECT client_id, staff_id, valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to
    FROM ref_involvement
    WHERE kind IN ('responsible_worker', 'work_pair') AND staff_id IS NOT NULL AND valid_from IS NOT NULL
      AND coalesce(valid_to, DATE '9999-12-31') >= valid_from
), islands AS (
    -- overlapping or adjacent periods of one (client, staff) merged, so an access matches at most one
    SELECT *, sum(CASE WHEN valid_from <= reach + 1 THEN 0 ELSE 1 END)
                  OVER (PARTITION BY client_id, staff_id ORDER BY valid_from, valid_to) AS island
    FROM (SELECT *, max(valid_to) OVER (PARTITION BY client_id, staff_id ORDER BY valid_from, valid_to
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM personal_rows)
), personal AS (
    SELECT client_id, staff_id, min(valid_from) AS valid_from, max(valid_to) AS valid_to
    FROM islands GROUP BY client_id, staff_id, island
), client AS (
    SELECT client_id, bool_or(security_prohibition) AS security_prohibition,
        bool_or(placement_secret) AS placement_secret, max(placement_secret_until) AS placement_secret_until,
        bool_or(placement_secret AND placement_secret_until IS NULL) AS placement_secret_open
    FROM ref_clients GROUP BY client_id
)
SELECT cd.staff_id, cd.day, cd.client_id, cd.n_access, cd.n_out_of_hours,
    p.client_id IS NOT NULL AS personal_involvement,
    coalesce(c.security_prohibition
             OR (c.placement_secret AND (c.placement_secret_open OR cd.day <= c.placement_secret_until)),
             false) AS protected
FROM feature_staff_client_day cd
LEFT JOIN personal p
  ON p.client_id = cd.client_id AND p.staff_id = cd.staff_id AND cd.day BETWEEN p.valid_from AND p.valid_to
LEFT JOIN client c ON c.client_id = cd.client_id;

-- step: client_summary
-- Per staff and day, over the clients accessed.
CREATE OR REPLACE TEMP TABLE feature_client_summary AS
SELECT staff_id, day,
    count(*) AS clients,
    sum(n_access) AS access_events,
    count(*) FILTER (WHERE NOT personal_involvement) AS clients_without_involvement,
    sum(n_access) FILTER (WHERE NOT personal_involvement) AS access_without_involvement,
    count(*) FILTER (WHERE protected) AS protected_clients,
    count(*) FILTER (WHERE n_out_of_hours > 0) AS out_of_hours_clients,
    count(*) FILTER (WHERE protected AND n_out_of_hours > 0) AS protected_out_of_hours_clients
FROM feature_client_flags
GROUP BY ALL;

-- step: new_clients
-- Clients this person opens for the first time in the stored history, counted on that first day.
CREATE OR REPLACE TEMP TABLE feature_new_clients AS
SELECT staff_id, first_day AS day, count(*) AS new_clients
FROM (SELECT staff_id, client_id, min(day) AS first_day FROM feature_staff_client_day GROUP BY ALL)
GROUP BY ALL;

-- step: week
-- The seven days ending on each day: distinct clients opened, and those without personal involvement on the
-- day they were opened. A worker who browses a few clients of other units a day stays unremarkable day by
-- day; the week shows the sum (the slow browser of issue 3's planted behaviour).
CREATE OR REPLACE TEMP TABLE feature_week AS
WITH per_day AS (
    SELECT staff_id, day, list(client_id) AS clients,
        coalesce(list(client_id) FILTER (WHERE NOT personal_involvement), []) AS clients_without_involvement
    FROM feature_client_flags
    GROUP BY ALL
)
-- a window over each person's days (not a join of every day with its week): lists of at most seven days
SELECT staff_id, day,
    len(list_distinct(flatten(list(clients) OVER seven_days))) AS week_clients,
    len(list_distinct(flatten(list(clients_without_involvement) OVER seven_days))) AS week_clients_without_involvement
FROM per_day
WINDOW seven_days AS (PARTITION BY staff_id ORDER BY day RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW);

-- step: client_units
-- The units of the clients seen: a client's unit is the unit of their unit or referral involvement that day.
CREATE OR REPLACE TEMP TABLE feature_client_units AS
SELECT cd.staff_id, cd.day, count(DISTINCT i.unit_id) AS client_units
FROM feature_staff_client_day cd
JOIN ref_involvement i
  ON i.client_id = cd.client_id AND i.kind IN ('unit', 'referral') AND i.unit_id IS NOT NULL
 AND cd.day BETWEEN i.valid_from AND coalesce(i.valid_to, DATE '9999-12-31')
GROUP BY ALL;

-- step: user_day
CREATE OR REPLACE TEMP TABLE feature_user_day AS
SELECT
    ev.staff_id,
    ev.day,
    ev.n_events::DOUBLE AS events,
    coalesce(cl.clients, 0)::DOUBLE AS clients,
    coalesce(n.new_clients, 0)::DOUBLE AS new_clients,
    coalesce(cl.clients_without_involvement, 0)::DOUBLE AS clients_without_involvement,
    coalesce(cl.access_without_involvement / nullif(cl.access_events, 0), 0)::DOUBLE AS no_involvement_share,
    (CASE WHEN isodow(ev.day) >= 6 OR h.day IS NOT NULL THEN 1.0
          ELSE coalesce(ev.n_off_clock, 0) / ev.n_events END)::DOUBLE AS out_of_hours_share,
    -- by the clock alone: weekend work is routine for some (home care, on call), night work for few
    (coalesce(ev.n_off_clock, 0) / ev.n_events)::DOUBLE AS late_share,
    coalesce(cl.out_of_hours_clients, 0)::DOUBLE AS out_of_hours_clients,
    coalesce(cl.protected_clients / nullif(cl.clients, 0), 0)::DOUBLE AS protected_share,
    (coalesce(ev.n_search, 0) / greatest(coalesce(ev.n_read, 0), 1))::DOUBLE AS searches_per_view,
    coalesce(ev.n_print_export, 0)::DOUBLE AS prints_exports,
    coalesce(u.client_units, 0)::DOUBLE AS client_units,
    ev.systems::DOUBLE AS systems,
    ev.span_minutes::DOUBLE AS span_minutes,
    -- the longest pause between two active quarter-hours (15-minute resolution)
    coalesce(15 * list_max(list_transform(range(1, len(ev.slots)), lambda j: ev.slots[j + 1] - ev.slots[j])),
             0)::DOUBLE AS max_gap_minutes,
    coalesce(cl.protected_clients, 0)::DOUBLE AS protected_clients,
    coalesce(cl.protected_out_of_hours_clients, 0)::DOUBLE AS protected_out_of_hours_clients,
    coalesce(w.week_clients, 0)::DOUBLE AS week_clients,
    coalesce(w.week_clients_without_involvement, 0)::DOUBLE AS week_clients_without_involvement
FROM feature_staff_day ev
LEFT JOIN feature_client_summary cl USING (staff_id, day)
LEFT JOIN feature_new_clients n USING (staff_id, day)
LEFT JOIN feature_client_units u USING (staff_id, day)
LEFT JOIN feature_week w USING (staff_id, day)
LEFT JOIN feature_holidays h ON h.day = ev.day;
