-- title: the vectorised county's reference data (staff in units, clients, involvement, authorisations)
-- description: Steps run in order by pipelines/generate/vectorised.py. Every random choice is
--   gen_u(purpose, a, b, c): a hash of the seed and the row's own keys, so a value never depends on the
--   order in which threads meet the rows, and the same seed gives the same county. Inputs (small tables
--   the module registers from pipelines/generate/county.py, the one description of the county's shape):
--   gen_units, gen_headcount, gen_organisations, gen_role_permissions, gen_first_names, gen_surnames,
--   gen_streets, gen_towns, and the variables gen_seed, gen_start, gen_end, gen_staff_scale,
--   gen_client_scale. Staff identity codes use individual numbers 980–999 and clients 900–979, both with
--   the correct check character and never issued to real persons.

-- step: macros
CREATE OR REPLACE TEMP MACRO gen_u(purpose, a, b, c) AS
    (hash(getvariable('gen_seed'), purpose, a, b, c) % 1000000007) / 1000000007.0;
-- gen_pick(..., n): one of 0..n-1. The modulus is cast to UBIGINT, hash()'s own type: a signed n would make
-- DuckDB take the remainder in HUGEINT, about 30 times as slow, for the same value.
CREATE OR REPLACE TEMP MACRO gen_pick(purpose, a, b, c, n) AS
    CAST(hash(getvariable('gen_seed'), purpose, a, b, c) % CAST(greatest(n, 1) AS UBIGINT) AS BIGINT);
CREATE OR REPLACE TEMP MACRO gen_hetu(birth, individual) AS
    strftime(birth, '%d%m%y')
    || CASE year(birth) // 100 WHEN 18 THEN '+' WHEN 19 THEN '-' ELSE 'A' END
    || lpad(CAST(individual AS VARCHAR), 3, '0')
    || substr('0123456789ABCDEFHJKLMNPRSTUVWXY',
              CAST(CAST(strftime(birth, '%d%m%y') || lpad(CAST(individual AS VARCHAR), 3, '0') AS BIGINT) % 31 AS INTEGER) + 1, 1);
-- a person's unique address: person number x (clients 0.., staff 100000..) is spread injectively over
-- street, house number and flat, so no two people share a home by accident (family_or_neighbour).
CREATE OR REPLACE TEMP MACRO gen_address(x) AS
    (SELECT s.name FROM gen_streets s WHERE s.i = x % 20) || ' ' || CAST((x // 20) % 180 + 1 AS VARCHAR)
    || ' A ' || CAST(x // 3600 + 1 AS VARCHAR) || ', '
    || (SELECT t.post || ' ' || t.name FROM gen_towns t WHERE t.i = (x * 7) % 4);

-- step: posts
-- One row per post of a unit and role (head count × staff scale; one manager per unit). A post held by a
-- leaver (one in eight of a team of four or more) is taken over by a joiner a few days after the leaving day.
CREATE OR REPLACE TEMP TABLE g_posts AS
WITH plan AS (
    SELECT h.ord, h.unit_id, u.organisation_id, h.role, h.sources,
        CASE WHEN h.role IN ('manager', 'data_protection_officer', 'request_handler') THEN 1 ELSE greatest(1, round(h.head_count * getvariable('gen_staff_scale'))) END::INTEGER AS n
    FROM gen_headcount h JOIN gen_units u USING (unit_id)
), posts AS (
    SELECT ord, unit_id, organisation_id, role, sources, n, unnest(range(n)) AS k FROM plan
), span AS (SELECT date_diff('day', getvariable('gen_start'), getvariable('gen_end')) AS days)
SELECT p.*,
    (p.n >= 4 AND p.k < greatest(1, p.n // 8) AND p.role <> 'manager') AS has_leaver,
    CAST(getvariable('gen_start') - INTERVAL (200 + gen_pick('since', p.ord, p.k, 0, 3801)) DAY AS DATE) AS since,
    CAST(getvariable('gen_start') + INTERVAL (span.days // 5 + gen_pick('leave', p.ord, p.k, 0, span.days - 2 * (span.days // 5))) DAY AS DATE) AS leave_on,
    1 + gen_pick('join', p.ord, p.k, 0, 20) AS join_gap
FROM posts p, span;

-- step: staff
-- Staff rows: the post's first holder, then the joiner of a post with a leaver. staff_no counts in that
-- order, so the ids are the same for any thread count.
CREATE OR REPLACE TEMP TABLE g_staff AS
WITH holders AS (
    SELECT ord, k, 0 AS joiner, unit_id, organisation_id, role, sources, since AS valid_from,
        CASE WHEN has_leaver THEN leave_on END AS valid_to
    FROM g_posts
    UNION ALL
    SELECT ord, k, 1, unit_id, organisation_id, role, sources, CAST(leave_on + INTERVAL (join_gap) DAY AS DATE), NULL
    FROM g_posts WHERE has_leaver
), numbered AS (
    SELECT row_number() OVER (ORDER BY ord, k, joiner) AS staff_no, * FROM holders
), span AS (SELECT date_diff('day', DATE '1962-01-01', DATE '1999-12-31') AS days)
SELECT n.staff_no, 'S' || lpad(CAST(n.staff_no AS VARCHAR), 5, '0') AS staff_id, n.ord, n.k, n.joiner,
    n.unit_id, n.organisation_id, n.role, n.sources, n.valid_from, n.valid_to,
    (SELECT f.name FROM gen_first_names f WHERE f.i = gen_pick('first', n.staff_no, 1, 0, 36)) || ' '
        || (SELECT s.name FROM gen_surnames s WHERE s.i = gen_pick('surname', n.staff_no, 1, 0, 34)) AS full_name,
    gen_hetu(CAST(DATE '1962-01-01' + INTERVAL ((n.staff_no * 7919) % span.days) DAY AS DATE), 980 + n.staff_no % 20) AS personal_id,
    gen_address(100000 + n.staff_no) AS address,
    (n.unit_id = 'KH' OR (n.role = 'provider_worker' AND n.organisation_id = 'P05')) AS weekend_worker
FROM numbered n, span;

-- step: accounts
-- One account per staff member and source system, named as each system names its users.
-- The dashboard's own (`lokivahti`) accounts are its demo users, one per auditing role (gen_dashboard_accounts).
CREATE OR REPLACE TEMP TABLE g_accounts AS
SELECT s.staff_no, s.staff_id, src.source_system,
    CASE src.source_system
        WHEN 'pro_consona' THEN 'u' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
        WHEN 'effica' THEN 'EF' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
        WHEN 'lifecare' THEN 'lc-' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
        WHEN 'casem' THEN 'HVA\u' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
        WHEN 'pegasos' THEN 'peg' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
        WHEN 'lokivahti' THEN (SELECT d.account FROM gen_dashboard_accounts d WHERE d.role = s.role)
        WHEN 'portal' THEN 'u' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0') || '@' || lower(s.organisation_id) || '.example.fi'
        ELSE src.source_system || '-' || lpad(CAST(s.staff_no AS VARCHAR), 5, '0')
    END AS account,
    src.pos
FROM g_staff s, LATERAL (SELECT unnest(s.sources) AS source_system, generate_subscripts(s.sources, 1) AS pos) src;

-- step: clients
-- Clients by service (child welfare, family and adult social work, home care) in index ranges; birth years
-- by service; the identity code is injective in the index (birth day stride 7919 is prime to the span).
CREATE OR REPLACE TEMP TABLE g_clients AS
WITH counts AS (
    SELECT greatest(10, round(420 * getvariable('gen_client_scale')))::BIGINT AS cw,
           greatest(10, round(300 * getvariable('gen_client_scale')))::BIGINT AS fam,
           greatest(10, round(300 * getvariable('gen_client_scale')))::BIGINT AS adult,
           greatest(10, round(400 * getvariable('gen_client_scale')))::BIGINT AS hc
), idx AS (
    SELECT unnest(range(cw + fam + adult + hc)) AS client_no, cw, fam, adult, hc FROM counts
), typed AS (
    SELECT client_no,
        CASE WHEN client_no < cw THEN 'child_welfare' WHEN client_no < cw + fam THEN 'family_social_work'
             WHEN client_no < cw + fam + adult THEN 'adult_social_work' ELSE 'home_care' END AS service,
        client_no - CASE WHEN client_no < cw THEN 0 WHEN client_no < cw + fam THEN cw
             WHEN client_no < cw + fam + adult THEN cw + fam ELSE cw + fam + adult END AS j
    FROM idx
), born AS (
    SELECT t.*,
        CASE service WHEN 'child_welfare' THEN DATE '2008-01-01' WHEN 'family_social_work' THEN DATE '1975-01-01'
             WHEN 'adult_social_work' THEN DATE '1950-01-01' ELSE DATE '1928-01-01' END AS b0,
        CASE service WHEN 'child_welfare' THEN DATE '2024-12-31' WHEN 'family_social_work' THEN DATE '2007-12-31'
             WHEN 'adult_social_work' THEN DATE '1974-12-31' ELSE DATE '1949-12-31' END AS b1
    FROM typed t
)
SELECT client_no, service,
    gen_hetu(CAST(b0 + INTERVAL ((j * 7919) % date_diff('day', b0, b1)) DAY AS DATE), 900 + j % 80) AS client_id,
    (SELECT f.name FROM gen_first_names f WHERE f.i = gen_pick('first', client_no, 2, 0, 36)) || ' '
        || (SELECT s.name FROM gen_surnames s WHERE s.i = gen_pick('surname', client_no, 2, 0, 34)) AS full_name,
    CAST(b0 + INTERVAL ((j * 7919) % date_diff('day', b0, b1)) DAY AS DATE) AS birth_date,
    gen_address(client_no) AS address,
    CASE WHEN service = 'home_care' AND gen_u('deceased', client_no, 0, 0) < 0.04
         THEN CAST(getvariable('gen_start') + INTERVAL (5 + gen_pick('died', client_no, 0, 0,
              date_diff('day', getvariable('gen_start'), getvariable('gen_end')) - 10)) DAY AS DATE) END AS deceased_on,
    gen_u('protected', client_no, 0, 0) < 0.02 AS security_prohibition,
    -- the service window: 30 % start inside the period, 20 % end inside it
    CASE WHEN gen_u('win_a', client_no, 0, 0) < 0.3
         THEN CAST(getvariable('gen_start') + INTERVAL (gen_pick('a_in', client_no, 0, 0,
              date_diff('day', getvariable('gen_start'), getvariable('gen_end')) - 20)) DAY AS DATE)
         ELSE CAST(getvariable('gen_start') - INTERVAL (30 + gen_pick('a_before', client_no, 0, 0, 671)) DAY AS DATE) END AS a,
    CASE WHEN gen_u('win_b', client_no, 0, 0) < 0.2
         THEN CAST(getvariable('gen_start') + INTERVAL (10 + gen_pick('b_in', client_no, 0, 0,
              date_diff('day', getvariable('gen_start'), getvariable('gen_end')) - 10)) DAY AS DATE) END AS b_raw
FROM born;

-- step: windows
-- Each client's service window [a, b] (b NULL = open); a deceased client's ends on the day of death.
CREATE OR REPLACE TEMP TABLE g_windows AS
WITH w AS (
    SELECT client_no, client_id, service, security_prohibition, deceased_on, a,
        CASE WHEN b_raw IS NOT NULL AND b_raw < a THEN CAST(a + INTERVAL 20 DAY AS DATE) ELSE b_raw END AS b
    FROM g_clients
), d AS (
    SELECT *, CASE WHEN deceased_on IS NOT NULL AND (b IS NULL OR b > deceased_on) THEN deceased_on ELSE b END AS b2
    FROM w
)
SELECT client_no, client_id, service, security_prohibition,
    CASE WHEN a > b2 THEN CAST(b2 - INTERVAL 60 DAY AS DATE) ELSE a END AS a, b2 AS b,
    -- child welfare: intake only (a quarter, or a short window), else responsible social work; some placed
    service = 'child_welfare' AND NOT (b2 IS NOT NULL AND b2 <= a + INTERVAL 29 DAY)
        AND gen_u('intake_only', client_no, 0, 0) >= 0.25 AS to_so,
    gen_u('placed', client_no, 0, 0) < 0.3 AS placed,
    gen_u('second_pair', client_no, 0, 0) < 0.4 AS adult_pair,
    gen_u('bought', client_no, 0, 0) < 0.25 AS bought_home_care
FROM d;

-- step: involvement_plan
-- Involvement rows before personal rows are split at a post's change of holder: (client, kind, unit or
-- post's unit and role, from, to, service task).
CREATE OR REPLACE TEMP TABLE g_inv_plan AS
WITH cw AS (SELECT * FROM g_windows WHERE service = 'child_welfare')
SELECT client_no, client_id, 'unit' AS kind, 'LS-VA' AS unit_id, NULL AS role, a AS valid_from,
    CASE WHEN b IS NOT NULL AND b < a + INTERVAL 29 DAY THEN b ELSE CAST(a + INTERVAL 29 DAY AS DATE) END AS valid_to,
    'child_welfare' AS task
FROM cw
-- the round-the-clock social emergency unit sees the same intake clients (pipelines/generate/county.py)
UNION ALL SELECT client_no, client_id, 'unit', 'SOS', NULL, a,
    CASE WHEN b IS NOT NULL AND b < a + INTERVAL 29 DAY THEN b ELSE CAST(a + INTERVAL 29 DAY AS DATE) END,
    'child_welfare' FROM cw
UNION ALL SELECT client_no, client_id, 'unit', 'LS-SO', NULL, CAST(a + INTERVAL 30 DAY AS DATE), b, 'child_welfare' FROM cw WHERE to_so
UNION ALL SELECT client_no, client_id, 'responsible_worker', 'LS-SO', 'social_worker', CAST(a + INTERVAL 30 DAY AS DATE), b, 'child_welfare' FROM cw WHERE to_so
UNION ALL SELECT client_no, client_id, 'work_pair', 'LS-SO', 'social_counsellor', CAST(a + INTERVAL 30 DAY AS DATE), b, 'child_welfare' FROM cw WHERE to_so
UNION ALL SELECT client_no, client_id, 'unit', 'PS', NULL, a, b, 'family_social_work' FROM g_windows WHERE service = 'family_social_work'
UNION ALL SELECT client_no, client_id, 'responsible_worker', 'PS', 'social_worker', a, b, 'family_social_work' FROM g_windows WHERE service = 'family_social_work'
UNION ALL SELECT client_no, client_id, 'work_pair', 'PS', 'family_worker', a, b, 'family_social_work' FROM g_windows WHERE service = 'family_social_work'
UNION ALL SELECT client_no, client_id, 'unit', 'AIK', NULL, a, b, 'adult_social_work' FROM g_windows WHERE service = 'adult_social_work'
UNION ALL SELECT client_no, client_id, 'responsible_worker', 'AIK', 'social_worker', a, b, 'adult_social_work' FROM g_windows WHERE service = 'adult_social_work'
UNION ALL SELECT client_no, client_id, 'work_pair', 'AIK', 'social_counsellor', a, b, 'adult_social_work' FROM g_windows WHERE service = 'adult_social_work' AND adult_pair
UNION ALL SELECT client_no, client_id, 'unit', 'KH', NULL, a, b, 'home_care' FROM g_windows WHERE service = 'home_care';

-- step: placements
-- Placed child-welfare clients: a referral to the placement unit, and a provider's service authorisation
-- (a direct procurement's tender phase before it).
CREATE OR REPLACE TEMP TABLE g_placements AS
WITH p AS (
    SELECT client_no, client_id, b,
        greatest(CAST(a + INTERVAL 40 DAY AS DATE), CAST(getvariable('gen_start') - INTERVAL 150 DAY AS DATE)) AS p,
        ['P01', 'P01', 'P02', 'P02', 'P03', 'P04'][1 + gen_pick('provider', client_no, 0, 0, 6)] AS provider
    FROM g_windows WHERE service = 'child_welfare' AND to_so AND placed
)
SELECT * FROM p WHERE p <= getvariable('gen_end') AND (b IS NULL OR p <= b);

-- step: authorisations
CREATE OR REPLACE TEMP TABLE g_authorisations AS
SELECT provider AS organisation_id, client_no, client_id,
    CASE WHEN provider IN ('P03', 'P04') THEN 'direct' ELSE 'framework' END AS agreement, 'service' AS phase,
    p AS valid_from, b AS valid_to, NULL::DATE AS cancelled_on, 'placement' AS task
FROM g_placements
UNION ALL
SELECT provider, client_no, client_id, 'direct', 'tender', CAST(p - INTERVAL 21 DAY AS DATE), CAST(p - INTERVAL 1 DAY AS DATE),
    NULL::DATE, 'placement'
FROM g_placements WHERE provider IN ('P03', 'P04')
UNION ALL
SELECT 'P05', client_no, client_id, 'framework', 'service', a, b, NULL::DATE, 'home_care'
FROM g_windows WHERE service = 'home_care' AND bought_home_care;

-- step: involvement
-- Every involvement row. A personal row names the holder of a post picked by hash among the unit's posts of
-- that role; where the post changes holder the row is split (the leaver until the leaving day, the joiner from
-- the first day), the days between covered by the unit row only.
CREATE OR REPLACE TEMP TABLE g_involvement AS
WITH plan AS (
    SELECT * FROM g_inv_plan
    UNION ALL
    SELECT client_no, client_id, 'referral', 'SIJ', NULL, CAST(p - INTERVAL 14 DAY AS DATE), b, 'placement' FROM g_placements
), posts AS (
    SELECT unit_id, role, count(*) AS n FROM g_posts GROUP BY ALL
), personal AS (
    SELECT pl.*, ps.k FROM plan pl
    JOIN (SELECT unit_id, role, n FROM posts) c USING (unit_id, role)
    JOIN g_posts ps ON ps.unit_id = pl.unit_id AND ps.role = pl.role
     AND ps.k = gen_pick('worker', pl.client_no, pl.kind, pl.unit_id, c.n)
), held AS (
    SELECT p.client_no, p.client_id, p.kind, s.staff_id, p.task,
        greatest(p.valid_from, s.valid_from) AS valid_from,
        CASE WHEN s.valid_to IS NULL THEN p.valid_to WHEN p.valid_to IS NULL THEN s.valid_to
             ELSE least(p.valid_to, s.valid_to) END AS valid_to
    FROM personal p JOIN g_staff s ON s.unit_id = p.unit_id AND s.role = p.role AND s.k = p.k
)
SELECT client_no, client_id, NULL::VARCHAR AS staff_id, unit_id, kind, valid_from, valid_to, task
FROM plan WHERE role IS NULL
UNION ALL
SELECT client_no, client_id, staff_id, NULL, kind, valid_from, valid_to, task
FROM held WHERE valid_to IS NULL OR valid_to >= valid_from;

-- step: pools
-- Whom each staff member works with on a day: a pool per person (personal rows), per unit (unit and referral
-- rows, never protected clients: they are reached by personal involvement only), per provider (its service
-- authorisations) and one for the registry office (every unit row). Rows keep their period; a visit drawn on a
-- day the row does not cover is dropped, so background events are always covered.
CREATE OR REPLACE TEMP TABLE g_pool AS
WITH rows AS (
    SELECT 'staff:' || staff_id AS pool_id, client_no, task, valid_from, valid_to FROM g_involvement WHERE staff_id IS NOT NULL
    UNION ALL
    SELECT 'unit:' || i.unit_id, i.client_no, i.task, i.valid_from, i.valid_to
    FROM g_involvement i JOIN g_windows w USING (client_no) WHERE i.unit_id IS NOT NULL AND NOT w.security_prohibition
    UNION ALL
    SELECT 'auth:' || organisation_id, client_no, task, valid_from, valid_to FROM g_authorisations WHERE phase = 'service'
    UNION ALL
    SELECT 'all', i.client_no, i.task, i.valid_from, i.valid_to
    FROM g_involvement i JOIN g_windows w USING (client_no) WHERE i.unit_id IS NOT NULL AND NOT w.security_prohibition
)
SELECT pool_id, row_number() OVER (PARTITION BY pool_id ORDER BY client_no, valid_from, task) - 1 AS k,
    client_no, task, valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to
FROM rows;

-- step: workers
-- Which pool each staff member draws from, and the actions their role may take on a task (role_permissions).
CREATE OR REPLACE TEMP TABLE g_workers AS
WITH pool_of AS (
    SELECT s.*,
        CASE WHEN s.role = 'provider_worker' THEN 'auth:' || s.organisation_id
             WHEN s.role = 'registry_clerk' THEN 'all'
             WHEN s.role = 'supervision_officer' THEN 'unit:SIJ'
             WHEN s.role IN ('social_worker', 'social_counsellor', 'family_worker') AND s.unit_id IN ('LS-SO', 'PS', 'AIK')
                 THEN 'staff:' || s.staff_id
             ELSE 'unit:' || s.unit_id END AS pool_id
    FROM g_staff s
)
SELECT p.* REPLACE ([x FOR x IN p.sources IF x <> 'lokivahti'] AS sources), n.n AS pool_size
FROM pool_of p JOIN (SELECT pool_id, count(*) AS n FROM g_pool GROUP BY ALL) n USING (pool_id)
WHERE len([x FOR x IN p.sources IF x <> 'lokivahti']) > 0;

-- step: allowed
CREATE OR REPLACE TEMP TABLE g_allowed AS
SELECT DISTINCT r.role, t.task, r.action
FROM gen_role_permissions r, (SELECT DISTINCT task FROM g_pool) t
WHERE r.service_task = t.task OR r.service_task = '*';
