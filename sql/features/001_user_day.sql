-- title: raw behaviour features per staff member and Helsinki day
-- description: One row per (staff_id, day) with every behaviour feature the anomaly model uses.
--   A person's accounts in several source systems count together (ref_accounts -> staff_id).
--   Days are Europe/Helsinki calendar dates (events.event_date); hours are Helsinki wall-clock hours.
--   "Access event", "personal involvement" and "protected client" follow docs/rules.md (Shared definitions).
--   The events are read once: one aggregation per (staff member, day, client) with the day's quarter-hours of
--   local time as bit masks; everything after it works on that much smaller table. Times are therefore
--   measured on quarter-hours: the session span and the longest pause are multiples of 15 minutes.
--   Parameters: $work_start, $work_end (working hours [start, end), lokivahti.toml [checks]); $min_shared
--   (clients two people must share to be collaborators) and $hub_clients (a client opened by more people
--   than this is everyone's client and says nothing about a community), lokivahti.toml [model].
--   Needs the temp tables feature_holidays(day DATE) of Finnish public holidays and
--   feature_unit_hours(unit_id, open_from, open_to, every_day) of units' opening hours in quarter-hours
--   (pipelines/scoring/features.py; a unit without a row keeps the working hours on working days).
--   Steps are separated by `-- step:` lines; each leaves a temp table the next one reads.
--   People and clients are numbers inside this file (feature_staff_numbers, feature_client_numbers: s and c, one
--   INTEGER each): every later step groups, sorts and joins the user-day-client rows by them, and a grouping or a
--   window keyed by two integers costs about half one keyed by two names (at ten million events the per-person
--   client grouping 0.15 s against 0.25 s, the per-client window 0.25 s against 0.47 s). The names come back in
--   the last step, on the user-day rows.

-- step: staff_numbers
-- Every person the reference data names (accounts, staff rows, involvement), numbered: an own worker with no
-- account of their own still has a number, so a colleague can stand in for them.
CREATE OR REPLACE TEMP TABLE feature_staff_numbers AS
SELECT staff_id, CAST(row_number() OVER (ORDER BY staff_id) AS INTEGER) AS s
FROM (SELECT staff_id FROM ref_accounts UNION SELECT staff_id FROM ref_staff
      UNION SELECT staff_id FROM ref_involvement)
WHERE staff_id IS NOT NULL;

-- step: account_staff
-- One staff member per account (a duplicated account row must not double-count events), with their number, and
-- each source system's bit in a day's systems mask (systems used on a day are counted as bits, not as a DISTINCT
-- over the events; up to 63 source systems are told apart, far more than a county runs).
CREATE OR REPLACE TEMP TABLE feature_account_staff AS
SELECT a.source_system, a.account, a.staff_id, n.s,
    CAST(1 AS BIGINT) << ((dense_rank() OVER (ORDER BY a.source_system) - 1) % 63) AS system_bit
FROM (SELECT source_system, account, min(staff_id) AS staff_id FROM ref_accounts GROUP BY source_system, account) a
JOIN feature_staff_numbers n USING (staff_id);

-- step: day_clients
-- The one pass over the events, straight into one row per staff member, day and client (NULL: events without
-- a client) that every later step reads: a narrow per-day aggregate, about a third of the events' rows. Its
-- statement is sql/features/day_clients.sql: it runs once per range of dates (pipelines/scoring/features.py,
-- fill_day_clients), so here the table is only created. The columns are explained there.
CREATE OR REPLACE TEMP TABLE feature_day_clients (
    s INTEGER, day DATE, client_id VARCHAR,
    n BIGINT, n_read BIGINT, n_search BIGINT, n_print_export BIGINT, n_off_clock BIGINT, n_access BIGINT,
    slots HUGEINT, access_slots HUGEINT, systems BIGINT
);

-- step: client_numbers
-- Every client the day's rows or the reference data name, numbered (the rows' clients once the pass is done).
CREATE OR REPLACE TEMP TABLE feature_client_numbers AS
SELECT client_id, CAST(row_number() OVER (ORDER BY client_id) AS INTEGER) AS c
FROM (SELECT DISTINCT client_id FROM feature_day_clients UNION SELECT client_id FROM ref_clients
      UNION SELECT client_id FROM ref_involvement)
WHERE client_id IS NOT NULL;

-- step: staff_day
-- Everything per staff member and day, clients aside: counts, systems, and the day's active quarter-hours as
-- two 48-bit halves of the mask (the session span and the longest pause are read from them on the user-day
-- frame, pipelines/scoring/features.py: quarter-hour resolution).
CREATE OR REPLACE TEMP TABLE feature_staff_day AS
SELECT s, day,
    sum(n) AS n_events, sum(n_read) AS n_read, sum(n_search) AS n_search,
    sum(n_print_export) AS n_print_export, sum(n_off_clock) AS n_off_clock,
    bit_count(bit_or(systems)) AS systems,
    CAST(bit_or(slots) & ((CAST(1 AS HUGEINT) << 48) - 1) AS BIGINT) AS slots_early,
    CAST(bit_or(slots) >> 48 AS BIGINT) AS slots_late
FROM feature_day_clients
GROUP BY s, day;

-- step: staff_unit
-- Each person's unit and role (the latest-starting staff row): whose opening hours their work is measured
-- against, and whose colleagues they can stand in for.
-- `team`: the (unit, role) as one number, what a substitute shares with the colleague they stand in for (NULL
-- when either is unknown: such a person is nobody's colleague).
CREATE OR REPLACE TEMP TABLE feature_staff_unit AS
SELECT *, CASE WHEN unit_id IS NOT NULL AND role IS NOT NULL
               THEN CAST(dense_rank() OVER (ORDER BY unit_id, role) AS INTEGER) END AS team
FROM (
    SELECT n.s, arg_max(r.unit_id, r.valid_from) AS unit_id, arg_max(r.role, r.valid_from) AS role,
        min(r.valid_from) AS in_post_since
    FROM ref_staff r JOIN feature_staff_numbers n USING (staff_id) WHERE r.valid_from IS NOT NULL
    GROUP BY n.s
);

-- step: personal
-- Personal involvement periods (responsible worker, work pair), overlapping or adjacent ones merged.
CREATE OR REPLACE TEMP TABLE feature_personal AS
WITH personal_rows AS (
    SELECT cn.c, sn.s, i.valid_from, coalesce(i.valid_to, DATE '9999-12-31') AS valid_to
    FROM ref_involvement i
    JOIN feature_client_numbers cn ON cn.client_id = i.client_id
    JOIN feature_staff_numbers sn ON sn.staff_id = i.staff_id
    WHERE i.kind IN ('responsible_worker', 'work_pair') AND i.valid_from IS NOT NULL
      AND coalesce(i.valid_to, DATE '9999-12-31') >= i.valid_from
), islands AS (
    -- overlapping or adjacent periods of one (client, staff) merged, so an access matches at most one
    SELECT *, sum(CASE WHEN valid_from <= reach + 1 THEN 0 ELSE 1 END)
                  OVER (PARTITION BY c, s ORDER BY valid_from, valid_to) AS island
    FROM (SELECT *, max(valid_to) OVER (PARTITION BY c, s ORDER BY valid_from, valid_to
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM personal_rows)
)
SELECT c, s, min(valid_from) AS valid_from, max(valid_to) AS valid_to
FROM islands GROUP BY c, s, island;

-- step: client_flags
-- Per staff, day and client accessed: the access events, whether any was out of hours, personal involvement
-- and protection on that day (docs/rules.md). Out of hours: outside the unit's opening hours (units.csv
-- opening_hours; a unit open round the clock has no out of hours), else outside the working hours or on a
-- weekend or a public holiday (a unit open every day works those as ordinary days).
CREATE OR REPLACE TEMP TABLE feature_client_flags AS
WITH client AS (
    -- each client's number and protection, looked up together (one join of the day's rows)
    SELECT n.client_id, n.c, r.security_prohibition, r.placement_secret, r.placement_secret_until,
        r.placement_secret_open
    FROM feature_client_numbers n
    LEFT JOIN (
        SELECT client_id, bool_or(security_prohibition) AS security_prohibition,
            bool_or(placement_secret) AS placement_secret, max(placement_secret_until) AS placement_secret_until,
            bool_or(placement_secret AND placement_secret_until IS NULL) AS placement_secret_open
        FROM ref_clients GROUP BY client_id
    ) r USING (client_id)
), hours AS (
    -- per person: the quarter-hours of the day their unit is open, as a mask, and whether it works every day
    SELECT su.s,
        (CAST(1 AS HUGEINT) << coalesce(o.open_to, $work_end * 4))
            - (CAST(1 AS HUGEINT) << coalesce(o.open_from, $work_start * 4)) AS open_slots,
        coalesce(o.every_day, false) AS every_day
    FROM feature_staff_unit su LEFT JOIN feature_unit_hours o ON o.unit_id = su.unit_id
)
SELECT cd.s, cd.day, c.c, cd.n_access,
    (cd.access_slots & ~coalesce(hr.open_slots, (CAST(1 AS HUGEINT) << ($work_end * 4))
                                                - (CAST(1 AS HUGEINT) << ($work_start * 4)))) <> 0
        OR (NOT coalesce(hr.every_day, false) AND (isodow(cd.day) >= 6 OR h.day IS NOT NULL)) AS out_of_hours,
    p.c IS NOT NULL AS personal_involvement,
    coalesce(c.security_prohibition
             OR (c.placement_secret AND (c.placement_secret_open OR cd.day <= c.placement_secret_until)),
             false) AS protected
FROM feature_day_clients cd
JOIN client c ON c.client_id = cd.client_id
LEFT JOIN hours hr ON hr.s = cd.s
LEFT JOIN feature_holidays h ON h.day = cd.day
LEFT JOIN feature_personal p ON p.c = c.c AND p.s = cd.s AND cd.day BETWEEN p.valid_from AND p.valid_to
WHERE cd.n_access > 0;

-- step: release_day_clients
-- The pass's rows are read by staff_day and client_flags only: dropped here, not at the end, so the later steps'
-- tables do not stand beside them (at ten million events about 0.4 GB of DuckDB's memory).
DROP TABLE IF EXISTS feature_day_clients;

-- step: covering
-- Clients opened without personal involvement whose own worker (responsible worker or work pair that day) is
-- a colleague of the same unit and role with no events at all on a day the unit works (a working day, or any
-- day for a unit open every day): a substitute's work, the commonest legitimate reason for a heavy day of
-- other people's clients. On a weekend everyone is away, and nobody stands in for anyone.
-- The candidates (a colleague of the same unit and role is the client's own worker) are few, so they are
-- found first and only they are looked up among the own workers' days: the other order probed every
-- uninvolved access against all user-days (at ten million events about half a second of the scoring). The
-- uninvolved accesses meet the own workers on (client, team) at once, two numbers: joined on the client alone,
-- each met every own worker of the client first (at ten million events 2.1 M rows for 89 candidates).
CREATE OR REPLACE TEMP TABLE feature_covering AS
WITH mine AS (
    SELECT f.s, f.day, f.c, su.team
    FROM feature_client_flags f
    JOIN feature_staff_unit su ON su.s = f.s
    LEFT JOIN feature_unit_hours o ON o.unit_id = su.unit_id
    LEFT JOIN feature_holidays h ON h.day = f.day
    WHERE NOT f.personal_involvement
      AND (coalesce(o.every_day, false) OR (isodow(f.day) < 6 AND h.day IS NULL))
), theirs AS (
    SELECT p.c, p.s AS own_worker, p.valid_from, p.valid_to, su.team
    FROM feature_personal p JOIN feature_staff_unit su ON su.s = p.s
), candidates AS MATERIALIZED (
    SELECT m.s, m.day, m.c, t.own_worker
    FROM mine m
    JOIN theirs t ON t.c = m.c AND t.team = m.team
     AND m.day BETWEEN t.valid_from AND t.valid_to AND t.own_worker <> m.s
)
SELECT DISTINCT c.s, c.day, c.c
FROM candidates c
ANTI JOIN feature_staff_day away ON away.s = c.own_worker AND away.day = c.day;

-- step: staff_clients
-- Each person's clients, with the day each was first opened: the community's pairs and the new clients read
-- this one grouping of the user-day-client rows (there were two).
CREATE OR REPLACE TEMP TABLE feature_staff_clients AS
SELECT s, c, min(day) AS first_day FROM feature_client_flags GROUP BY ALL;

-- step: community
-- Communities through shared clients (the community-based audit of EHR access logs: Chen, Nyemba and Malin
-- 2012): two people are collaborators when they opened at least $min_shared of the same clients over the
-- stored period. An access is affine when someone of the person's collaborators also opened the client, or the
-- client is everyone's (opened by more than $hub_clients people). A snooper's scattered clients share one or
-- two clients with each of their handlers and stay unaffine; a work pair or a substitute shares many.
-- The clients two people share (`shared`) are listed once: their count makes the pairs, and each of them is
-- affine for the first person when the pair is collaborators (joining the pairs back to every client of the
-- person and then to the other's clients made a row per client and collaborator: about a quarter of the scoring's SQL
-- on the medium county).
-- What is kept is the few unaffine (person, client) pairs, not the affine ones: nearly every pair is affine (at ten
-- million events 1.16 M of 1.18 M), and the client summary looks up each of its 3.4 M client rows in this table.
-- The shared clients are many rows (on the medium county a million for 44 thousand (person, client) pairs), so
-- a pair of people (uv) or a person and client (uc) is one BIGINT of their numbers, the first number in the high
-- 32 bits (at the medium county the step took about 0.3 s of CPU with the names, 0.12 s with the numbers).
CREATE OR REPLACE TEMP TABLE feature_unaffine AS
WITH small AS MATERIALIZED (
    SELECT CAST(s AS BIGINT) AS s, CAST(c AS BIGINT) AS c
    FROM (SELECT s, c, count(*) OVER (PARTITION BY c) AS people FROM feature_staff_clients)
    WHERE people <= $hub_clients
), shared AS MATERIALIZED (
    SELECT (a.s << 32) | b.s AS uv, (a.s << 32) | a.c AS uc
    FROM small a JOIN small b ON a.c = b.c AND a.s <> b.s
), pairs AS (
    SELECT uv FROM shared GROUP BY ALL HAVING count(*) >= $min_shared
), affine AS (
    SELECT s.uc FROM shared s SEMI JOIN pairs p ON p.uv = s.uv
)
-- an everyone's client (in no `small` row) is affine for everyone
SELECT CAST(s.s AS INTEGER) AS s, CAST(s.c AS INTEGER) AS c
FROM small s
ANTI JOIN affine a ON a.uc = (s.s << 32) | s.c;

-- step: client_summary
-- Per staff and day, over the clients accessed. The per-client lookups that are constant over a day's group are
-- made on the group, not on each of its clients: the substitutes' clients (feature_covering, a handful) are
-- counted apart and subtracted from the day's uninvolved counts (each is an uninvolved client of that day), and a
-- person's provider status (constant per person) decides the group's protected count. At ten million events the
-- per-client lookups probed 3.4 M rows each, for 13 substitute clients and 2,275 people.
CREATE OR REPLACE TEMP TABLE feature_client_summary AS
WITH covered AS (
    SELECT c.s, c.day, count(*) AS clients, count(*) FILTER (WHERE u.c IS NOT NULL) AS unaffine
    FROM feature_covering c
    LEFT JOIN feature_unaffine u ON u.s = c.s AND u.c = c.c
    GROUP BY ALL
), summary AS (
    SELECT f.s, f.day,
        count(*) AS clients,
        sum(f.n_access) AS access_events,
        count(*) FILTER (WHERE NOT f.personal_involvement) AS clients_without_involvement,
        count(*) FILTER (WHERE NOT f.personal_involvement AND u.c IS NOT NULL) AS unaffine_uninvolved,
        sum(f.n_access) FILTER (WHERE NOT f.personal_involvement) AS access_without_involvement,
        count(*) FILTER (WHERE f.protected) AS protected_clients,
        count(*) FILTER (WHERE f.protected AND NOT f.personal_involvement) AS protected_uninvolved,
        count(*) FILTER (WHERE f.out_of_hours) AS out_of_hours_clients,
        count(*) FILTER (WHERE f.protected AND f.out_of_hours) AS protected_out_of_hours_clients
    FROM feature_client_flags f
    LEFT JOIN feature_unaffine u ON u.s = f.s AND u.c = f.c
    GROUP BY ALL
)
SELECT s.s, s.day, s.clients, s.access_events, s.clients_without_involvement,
    s.clients_without_involvement - coalesce(c.clients, 0) AS clients_uncovered,
    s.unaffine_uninvolved - coalesce(c.unaffine, 0) AS unaffine_clients,
    s.access_without_involvement, s.protected_clients,
    -- county staff only, as the protected_client rule: a provider's access rests on its authorisation
    CASE WHEN coalesce(o.provider, false) THEN 0 ELSE s.protected_uninvolved END AS protected_uninvolved_clients,
    s.out_of_hours_clients, s.protected_out_of_hours_clients
FROM summary s
LEFT JOIN covered c USING (s, day)
LEFT JOIN (
    SELECT n.s, bool_or(g.kind = 'private_provider') AS provider
    FROM ref_staff r JOIN ref_organisations g USING (organisation_id) JOIN feature_staff_numbers n USING (staff_id)
    GROUP BY ALL
) o ON o.s = s.s;

-- step: new_clients
-- Clients this person opens for the first time in the stored history, counted on that first day.
CREATE OR REPLACE TEMP TABLE feature_new_clients AS
SELECT s, first_day AS day, count(*) AS new_clients
FROM feature_staff_clients
GROUP BY ALL;

-- step: release_staff_clients
DROP TABLE IF EXISTS feature_staff_clients;

-- step: uncovered_spans
-- Distinct clients opened without personal involvement (and not as a substitute) over the 7, 28 and 90 days
-- ending on each day, and over the 62 days t-90 ... t-29 (the person's own yardstick from before the recent
-- weeks, so that it cannot learn a slow snooper's habit). Counted without lists: a client counts in the window
-- ending on day t while its latest such access on or before t lies within the window, so each access adds
-- one from its day until the next access of that client or the window's end, and a running sum over the
-- person's days gives every window at once (one pass, however long the window). The four windows share the
-- change days: one running sum per window over one sorted partition per person.
-- Only the changes that do not cancel are written: an access within k days of the client's previous one
-- (`since` <= k) continues the previous access's stretch in the k-day window, whose -1 would fall on the very
-- day of this access's +1; so an access adds +1 to a window only after a longer pause (or as the client's
-- first), and -1 at day + k only when no access follows within k days (`gap`). The sums on every day are the
-- same; the rows to group are fewer. The changes are first counted per person and day (`per_day`, one grouping
-- of the accesses), and only those counts are shifted by each window's length: the shifted rows are one per
-- person, day and window instead of one per access and window (at ten million events 1.7 M rows to group
-- instead of 8.3 M, about a third of the step).
CREATE OR REPLACE TEMP TABLE feature_uncovered_spans AS
WITH acc AS (
    SELECT f.s, f.day,
        f.day - lag(f.day) OVER w AS since,
        lead(f.day) OVER w - f.day AS gap
    FROM feature_client_flags f
    ANTI JOIN feature_covering c USING (s, day, c)
    WHERE NOT f.personal_involvement
    WINDOW w AS (PARTITION BY f.s, f.c ORDER BY f.day)
), per_day AS MATERIALIZED (
    -- p<k>: the day's accesses that start a stretch in the k-day window; m<k>: those whose stretch ends k days on
    SELECT s, day,
        count(*) FILTER (WHERE since IS NULL OR since > 7) AS p7,
        count(*) FILTER (WHERE since IS NULL OR since > 28) AS p28,
        count(*) FILTER (WHERE since IS NULL OR since > 62) AS p62,
        count(*) FILTER (WHERE since IS NULL OR since > 90) AS p90,
        count(*) FILTER (WHERE gap IS NULL OR gap > 7) AS m7,
        count(*) FILTER (WHERE gap IS NULL OR gap > 28) AS m28,
        count(*) FILTER (WHERE gap IS NULL OR gap > 62) AS m62,
        count(*) FILTER (WHERE gap IS NULL OR gap > 90) AS m90
    FROM acc GROUP BY ALL
), deltas AS (
    -- a longer pause than 7 days is the shortest that starts a stretch: p7 = 0 means no +1 in any window
    SELECT s, day, p7 AS d7, p28 AS d28, p62 AS d62, p90 AS d90 FROM per_day WHERE p7 > 0
    UNION ALL SELECT s, day + 7, -m7, 0, 0, 0 FROM per_day WHERE m7 > 0
    UNION ALL SELECT s, day + 28, 0, -m28, 0, 0 FROM per_day WHERE m28 > 0
    UNION ALL SELECT s, day + 62, 0, 0, -m62, 0 FROM per_day WHERE m62 > 0
    UNION ALL SELECT s, day + 90, 0, 0, 0, -m90 FROM per_day WHERE m90 > 0
), steps AS (
    SELECT s, day, sum(d7) AS d7, sum(d28) AS d28, sum(d62) AS d62, sum(d90) AS d90
    FROM deltas GROUP BY ALL
)
-- The four running sums are one: each change day's four changes packed into one HUGEINT, 32 bits a window (d7 +
-- d28 * 2^32 + d62 * 2^64 + d90 * 2^96), summed once over the person's days and unpacked. Every running sum is a
-- count of clients, never negative and far below 2^32, so the packed sum is exact and each window's count is its
-- own 32 bits (DuckDB evaluates a window's aggregates one by one: four sums cost about twice the one).
SELECT s, day,
    CAST(packed & 4294967295 AS BIGINT) AS c7, CAST((packed >> 32) & 4294967295 AS BIGINT) AS c28,
    CAST((packed >> 64) & 4294967295 AS BIGINT) AS c62, CAST(packed >> 96 AS BIGINT) AS c90
FROM (
    SELECT s, day,
        sum(CAST(d7 AS HUGEINT) + CAST(d28 AS HUGEINT) * 4294967296 + CAST(d62 AS HUGEINT) * 18446744073709551616
            + CAST(d90 AS HUGEINT) * CAST(79228162514264337593543950336 AS HUGEINT))
            OVER (PARTITION BY s ORDER BY day) AS packed
    FROM steps
);

-- step: week
-- Each user-day's windows, read from the running sums (the latest change on or before the day; for the
-- yardstick from before the recent weeks, on or before the day 29 days back).
CREATE OR REPLACE TEMP TABLE feature_week AS
WITH days AS (
    SELECT s, day FROM feature_staff_day
), recent AS (
    SELECT d.s, d.day, u.c7, u.c28, u.c90 FROM days d
    ASOF LEFT JOIN feature_uncovered_spans u ON u.s = d.s AND u.day <= d.day
), old AS (
    SELECT d.s, d.day, u.c62 FROM days d
    ASOF LEFT JOIN feature_uncovered_spans u ON u.s = d.s AND u.day <= d.day - 29
)
SELECT s, day,
    coalesce(recent.c7, 0) AS week_clients_uncovered,
    coalesce(recent.c28, 0) AS month_clients_uncovered,
    coalesce(recent.c90, 0) AS quarter_clients_uncovered,
    coalesce(old.c62, 0) AS before_clients_uncovered
FROM recent JOIN old USING (s, day);

-- step: client_units
-- The units of the clients seen: a client's unit is the unit of their unit or referral involvement that day.
CREATE OR REPLACE TEMP TABLE feature_client_units AS
WITH units AS (
    SELECT n.c, i.unit_id, i.valid_from, coalesce(i.valid_to, DATE '9999-12-31') AS valid_to
    FROM ref_involvement i JOIN feature_client_numbers n USING (client_id)
    WHERE i.kind IN ('unit', 'referral') AND i.unit_id IS NOT NULL
)
SELECT cd.s, cd.day, count(DISTINCT i.unit_id) AS client_units
FROM feature_client_flags cd
JOIN units i ON i.c = cd.c AND cd.day BETWEEN i.valid_from AND i.valid_to
GROUP BY ALL;

-- step: release_client_flags
-- The last reader of the per user-day-client flags was client_units.
DROP TABLE IF EXISTS feature_client_flags;

-- step: user_day
CREATE OR REPLACE TEMP TABLE feature_user_day AS
SELECT
    sn.staff_id,
    ev.day,
    ev.n_events::DOUBLE AS events,
    coalesce(cl.clients, 0)::DOUBLE AS clients,
    coalesce(n.new_clients, 0)::DOUBLE AS new_clients,
    coalesce(cl.clients_without_involvement, 0)::DOUBLE AS clients_without_involvement,
    coalesce(cl.clients_uncovered, 0)::DOUBLE AS clients_uncovered,
    coalesce(cl.unaffine_clients, 0)::DOUBLE AS unaffine_clients,
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
    -- the day's active quarter-hours (0..47, 48..95): the session span and the longest pause, read on the frame
    ev.slots_early,
    ev.slots_late,
    coalesce(cl.protected_clients, 0)::DOUBLE AS protected_clients,
    coalesce(cl.protected_uninvolved_clients, 0)::DOUBLE AS protected_uninvolved_clients,
    coalesce(cl.protected_out_of_hours_clients, 0)::DOUBLE AS protected_out_of_hours_clients,
    coalesce(w.week_clients_uncovered, 0)::DOUBLE AS week_clients_uncovered,
    coalesce(w.month_clients_uncovered, 0)::DOUBLE AS month_clients_uncovered,
    coalesce(w.quarter_clients_uncovered, 0)::DOUBLE AS quarter_clients_uncovered,
    coalesce(w.before_clients_uncovered, 0)::DOUBLE AS before_clients_uncovered,
    -- days since the person's first staff row began (NULL when unknown): a newcomer has no caseload yet
    (ev.day - su.in_post_since)::DOUBLE AS days_in_post
FROM feature_staff_day ev
JOIN feature_staff_numbers sn USING (s)
LEFT JOIN feature_staff_unit su USING (s)
LEFT JOIN feature_client_summary cl USING (s, day)
LEFT JOIN feature_new_clients n USING (s, day)
LEFT JOIN feature_client_units u USING (s, day)
LEFT JOIN feature_week w USING (s, day)
LEFT JOIN feature_holidays h ON h.day = ev.day;
