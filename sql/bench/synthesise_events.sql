-- title: synthesise a canonical event CSV of N events over a county's reference data (benchmarks only)
-- description: Deterministic (hash of the row number): accounts and clients drawn from the reference
--   tables already in the store, times on working days between 07 and 18 over $days days from $start,
--   actions mostly reads with searches, writes, prints. Parameters: $n, $start, $days, $path is
--   substituted by the caller because COPY cannot take a parameter for its target.

-- step: accounts
CREATE OR REPLACE TEMP TABLE bench_accounts AS
SELECT row_number() OVER (ORDER BY a.source_system, a.account) - 1 AS i, a.account
FROM ref_accounts a WHERE a.source_system <> 'lokivahti';

-- step: clients
CREATE OR REPLACE TEMP TABLE bench_clients AS
SELECT row_number() OVER (ORDER BY client_id) - 1 AS i, client_id FROM ref_clients;

-- step: events
CREATE OR REPLACE TEMP VIEW bench_events AS
WITH n AS (SELECT (SELECT count(*) FROM bench_accounts) AS na, (SELECT count(*) FROM bench_clients) AS nc),
r AS (
    SELECT range AS k,
        hash(range, 1) AS h1, hash(range, 2) AS h2, hash(range, 3) AS h3, hash(range, 4) AS h4
    FROM range($n)
)
SELECT
    'pegasos' AS source_system,
    'b' || k AS source_event_id,
    strftime(CAST($start AS TIMESTAMP) + to_days(CAST(h3 % $days AS INTEGER))
             + to_seconds(CAST(7 * 3600 + h4 % (11 * 3600) AS BIGINT)), '%Y-%m-%dT%H:%M:%S') AS event_time,
    a.account,
    c.client_id,
    CASE WHEN h2 % 100 < 70 THEN 'read' WHEN h2 % 100 < 85 THEN 'search' WHEN h2 % 100 < 95 THEN 'update'
         WHEN h2 % 100 < 98 THEN 'print' ELSE 'create' END AS action,
    CASE WHEN h1 % 3 = 0 THEN 'child_welfare' WHEN h1 % 3 = 1 THEN 'family_social_work' ELSE 'placement' END AS service_task,
    'asiakaskertomus' AS document,
    'client_relationship' AS purpose,
    'false' AS emergency,
    'native' AS channel,
    CAST(NULL AS VARCHAR) AS organisation_id,
    CAST(NULL AS VARCHAR) AS controller_id,
    CAST(NULL AS VARCHAR) AS recipient_organisation_id,
    'success' AS outcome,
    's' || (k // 40) AS session_id,
    CAST(NULL AS VARCHAR) AS search_criteria,
    CAST(NULL AS INTEGER) AS record_count
FROM r CROSS JOIN n
JOIN bench_accounts a ON a.i = r.h1 % n.na
JOIN bench_clients c ON c.i = r.h2 % n.nc;
