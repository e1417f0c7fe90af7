-- title: raw behaviour features per staff member and Helsinki day
-- description: One row per (staff_id, day) with every behaviour feature the anomaly model uses.
--   A person's accounts in several source systems count together (ref_accounts -> staff_id).
--   Days are Europe/Helsinki calendar dates (events.event_date); hours are Helsinki wall-clock hours.
--   "Access event", "personal involvement" and "protected client" follow docs/rules.md (Shared definitions).
--   Parameters: $work_start, $work_end (working hours [start, end), lokivahti.toml [checks]).
--   Needs the temp table feature_holidays(day DATE) of Finnish public holidays (pipelines/scoring/features.py).
--   Steps are separated by `-- step:` lines; each leaves a temp table the next one reads.

-- step: account_staff
-- One staff member per account (a duplicated account row must not double-count events), and a small
-- number per source system for the systems bitmask.
CREATE OR REPLACE TEMP TABLE feature_account_staff AS
SELECT source_system, account, min(staff_id) AS staff_id,
    CAST((dense_rank() OVER (ORDER BY source_system) - 1) % 64 AS UTINYINT) AS system_no
FROM ref_accounts
GROUP BY source_system, account;

-- step: staff_day
-- Everything that needs no client: one low-cardinality pass over the events per staff and day.
-- Pauses are measured on the 96 quarter-hours of the Helsinki day, kept as one 128-bit mask per
-- staff-day, so that no ordered pass over the events is needed.
CREATE OR REPLACE TEMP TABLE feature_staff_day AS
SELECT
    a.staff_id,
    e.event_date AS day,
    count(*) AS n_events,
    count(*) FILTER (WHERE e.action = 'read') AS n_read,
    count(*) FILTER (WHERE e.action = 'search') AS n_search,
    count(*) FILTER (WHERE e.action IN ('print', 'export')) AS n_print_export,
    count(*) FILTER (WHERE e.slot < $work_start * 4 OR e.slot >= $work_end * 4) AS n_off_clock,
    min(e.event_local) AS first_local,
    max(e.event_local) AS last_local,
    bit_or(CAST(1 AS UBIGINT) << a.system_no) AS systems_mask,
    bit_or(CAST(1 AS UHUGEINT) << CAST(e.slot AS UHUGEINT)) AS slots_mask
FROM (SELECT source_system, account, event_date, event_local, action,
             CAST((hour(event_local) * 60 + minute(event_local)) // 15 AS UTINYINT) AS slot
      FROM events) e
JOIN feature_account_staff a ON a.source_system = e.source_system AND a.account = e.account
GROUP BY ALL;

-- step: staff_client_day
-- The access events per staff, day and client (a narrow, high-cardinality pass: only what needs the client).
CREATE OR REPLACE TEMP TABLE feature_staff_client_day AS
SELECT a.staff_id, e.event_date AS day, e.client_id, count(*) AS n_access
FROM events e
JOIN feature_account_staff a ON a.source_system = e.source_system AND a.account = e.account
WHERE e.client_id IS NOT NULL AND e.action <> 'other' AND coalesce(e.outcome, 'success') = 'success'
GROUP BY ALL;

-- step: client_summary
-- Per staff and day, over the clients accessed: personal involvement and protection (docs/rules.md).
CREATE OR REPLACE TEMP TABLE feature_client_summary AS
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
), flags AS (
    SELECT cd.staff_id, cd.day, cd.n_access,
        p.client_id IS NOT NULL AS personal_involvement,
        coalesce(c.security_prohibition
                 OR (c.placement_secret AND (c.placement_secret_open OR cd.day <= c.placement_secret_until)),
                 false) AS protected
    FROM feature_staff_client_day cd
    LEFT JOIN personal p
      ON p.client_id = cd.client_id AND p.staff_id = cd.staff_id AND cd.day BETWEEN p.valid_from AND p.valid_to
    LEFT JOIN client c ON c.client_id = cd.client_id
)
SELECT staff_id, day,
    count(*) AS clients,
    sum(n_access) AS access_events,
    count(*) FILTER (WHERE NOT personal_involvement) AS clients_without_involvement,
    sum(n_access) FILTER (WHERE NOT personal_involvement) AS access_without_involvement,
    count(*) FILTER (WHERE protected) AS protected_clients
FROM flags
GROUP BY ALL;

-- step: new_clients
-- Clients this person opens for the first time in the stored history, counted on that first day.
CREATE OR REPLACE TEMP TABLE feature_new_clients AS
SELECT staff_id, first_day AS day, count(*) AS new_clients
FROM (SELECT staff_id, client_id, min(day) AS first_day FROM feature_staff_client_day GROUP BY ALL)
GROUP BY ALL;

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
WITH ev AS (
    SELECT staff_id, day, n_events AS events, n_read, n_search, n_print_export AS prints_exports, n_off_clock,
        bit_count(systems_mask) AS systems,
        date_diff('second', first_local, last_local) / 60.0 AS span_minutes,
        slots_mask
    FROM feature_staff_day
), active AS (
    -- the active quarter-hours of the day, in order
    SELECT staff_id, day,
        list_filter(range(96), lambda i: (slots_mask >> CAST(i AS UHUGEINT)) & CAST(1 AS UHUGEINT) = 1) AS slots
    FROM ev
), gaps AS (
    -- the longest pause between two active quarter-hours (15-minute resolution)
    SELECT staff_id, day,
        coalesce(15 * list_max(list_transform(range(1, len(slots)), lambda j: slots[j + 1] - slots[j])), 0) AS max_gap_minutes
    FROM active
)
SELECT
    ev.staff_id,
    ev.day,
    ev.events::DOUBLE AS events,
    coalesce(cl.clients, 0)::DOUBLE AS clients,
    coalesce(n.new_clients, 0)::DOUBLE AS new_clients,
    coalesce(cl.clients_without_involvement, 0)::DOUBLE AS clients_without_involvement,
    coalesce(cl.access_without_involvement / nullif(cl.access_events, 0), 0)::DOUBLE AS no_involvement_share,
    (CASE WHEN isodow(ev.day) >= 6 OR h.day IS NOT NULL THEN 1.0
          ELSE ev.n_off_clock / ev.events END)::DOUBLE AS out_of_hours_share,
    -- by the clock alone: weekend work is routine for some (home care, on call), night work for few
    (ev.n_off_clock / ev.events)::DOUBLE AS late_share,
    coalesce(cl.protected_clients / nullif(cl.clients, 0), 0)::DOUBLE AS protected_share,
    (ev.n_search / greatest(ev.n_read, 1))::DOUBLE AS searches_per_view,
    ev.prints_exports::DOUBLE AS prints_exports,
    coalesce(u.client_units, 0)::DOUBLE AS client_units,
    ev.systems::DOUBLE AS systems,
    ev.span_minutes::DOUBLE AS span_minutes,
    g.max_gap_minutes::DOUBLE AS max_gap_minutes,
    coalesce(cl.protected_clients, 0)::DOUBLE AS protected_clients
FROM ev
LEFT JOIN feature_client_summary cl USING (staff_id, day)
LEFT JOIN feature_new_clients n USING (staff_id, day)
LEFT JOIN feature_client_units u USING (staff_id, day)
JOIN gaps g USING (staff_id, day)
LEFT JOIN feature_holidays h ON h.day = ev.day;
