-- title: one month of the vectorised county's everyday access events
-- description: Steps run per month by pipelines/generate/vectorised.py after sql/generate/county.sql.
--   Staff-days (employment, attendance by the county's rhythm) → client visits drawn from the worker's pool
--   (a visit on a day its involvement row does not cover is dropped) → events of each visit (search, reads,
--   update, create, print/export, disclosure), kept only where the role may take the action on the task.
--   Every draw hashes the seed with the row's own keys (staff, day, visit, slot). Variables: gen_month_start,
--   gen_month_end, gen_visits (mean visits per staff-day), gen_reads (most reads per visit), gen_stray (share
--   of visits to a client outside the worker's pool: unlabelled findings, so the findings writer carries a
--   realistic load). Times are Europe/Helsinki wall-clock times between 07:00 and 16:15, never in a DST gap.

-- step: days
CREATE OR REPLACE TEMP TABLE g_days AS
SELECT CAST(t.d AS DATE) AS day, h.day IS NOT NULL AS holiday
FROM generate_series(CAST(getvariable('gen_month_start') AS TIMESTAMP), CAST(getvariable('gen_month_end') AS TIMESTAMP),
                     INTERVAL 1 DAY) t(d)
LEFT JOIN gen_holidays h ON h.day = CAST(t.d AS DATE);

-- step: staff_days
-- Who works on which day (pipelines/generate/rhythm.py's attendance: weekends for home care, July dip).
CREATE OR REPLACE TEMP TABLE g_staff_days AS
WITH sd AS (
    SELECT w.staff_no, w.role, w.pool_id, w.pool_size, w.sources, d.day,
        CASE WHEN isodow(d.day) >= 6 THEN CASE WHEN w.weekend_worker THEN 0.45 ELSE 0.0 END
             WHEN d.holiday THEN CASE WHEN w.weekend_worker THEN 0.35 ELSE 0.12 END
             WHEN month(d.day) = 7 THEN 0.5
             WHEN (month(d.day) = 6 AND day(d.day) > 20) OR (month(d.day) = 8 AND day(d.day) < 8) THEN 0.7
             ELSE 0.9 END AS attendance
    FROM g_workers w JOIN g_days d ON d.day BETWEEN w.valid_from AND coalesce(w.valid_to, DATE '9999-12-31')
)
SELECT staff_no, role, pool_id, pool_size, sources, day,
    27000 + gen_pick('start', staff_no, day, 0, 5400) AS start_s,     -- 07:30–09:00, seconds from midnight
    greatest(1, round(getvariable('gen_visits') * (0.5 + gen_u('visits', staff_no, day, 0))))::INTEGER AS n_visits
FROM sd WHERE gen_u('attend', staff_no, day, 0) < attendance;

-- step: visits
-- One row per visit that lands on a covered pool row (or a stray client), with its source system and start.
CREATE OR REPLACE TEMP TABLE g_visits AS
WITH v AS (
    SELECT sd.*, unnest(range(sd.n_visits)) AS v FROM g_staff_days sd
), drawn AS (
    SELECT v.*,
        gen_pick('client', staff_no, day, v, pool_size) AS k,
        gen_u('stray', staff_no, day, v) < getvariable('gen_stray') AS stray,
        sources[1 + gen_pick('source', staff_no, day, v, len(sources))] AS source_system,
        start_s + v * ((58500 - start_s) // n_visits) AS visit_s,
        (58500 - start_s) // n_visits AS slot_s
    FROM v
)
SELECT d.staff_no, d.role, d.day, d.v, d.source_system, d.visit_s,
    greatest(1, d.slot_s // (getvariable('gen_reads') + 6)) AS step_s,
    CASE WHEN d.stray THEN gen_pick('stray_client', d.staff_no, d.day, d.v,
                                    (SELECT count(*) FROM g_clients)) ELSE p.client_no END AS client_no,
    p.task,
    1 + gen_pick('reads', d.staff_no, d.day, d.v, getvariable('gen_reads')) AS n_reads
FROM drawn d JOIN g_pool p ON p.pool_id = d.pool_id AND p.k = d.k
WHERE d.day BETWEEN p.valid_from AND p.valid_to;

-- step: logins
-- A sign-in event before the first visit of the day in the systems that log them.
CREATE OR REPLACE TEMP TABLE g_logins AS
SELECT staff_no, day, source_system, min(visit_s) - 60 AS t_s
FROM g_visits WHERE source_system IN ('pro_consona', 'portal', 'casem')
GROUP BY ALL;

-- step: events
-- The month's events in canonical terms, with integer keys (strings are joined in when a file is written).
-- n: the event's number in its source's file of the month (its record number, and its id's digits), in the
-- files' order (day, time, staff member). The table is made in the store's order (day, time, source, staff
-- member), so a month written into a store is read from it in that order: the number is drawn and the rows are
-- sorted here, on the narrow integer rows, not after the strings are joined in (an xlarge month is ~8 M rows).
CREATE OR REPLACE TEMP TABLE g_events AS
WITH slots AS (
    SELECT x.*, unnest(range(x.n_reads + 5)) AS e FROM g_visits x
), typed AS (
    SELECT s.*,
        CASE
            WHEN e = 0 THEN CASE WHEN role = 'registry_clerk' OR gen_u('search', staff_no, day, v) < 0.4 THEN 'search' END
            WHEN e <= n_reads THEN 'read'
            WHEN e = n_reads + 1 THEN CASE WHEN gen_u('update', staff_no, day, v) < 0.25 THEN 'update' END
            WHEN e = n_reads + 2 THEN CASE WHEN gen_u('create', staff_no, day, v) < 0.08 THEN 'create' END
            WHEN e = n_reads + 3 THEN CASE WHEN gen_u('print', staff_no, day, v) < 0.05 THEN 'print'
                                           WHEN gen_u('print', staff_no, day, v) < 0.06 THEN 'export' END
            WHEN e = n_reads + 4 THEN CASE WHEN role <> 'supervision_officer'
                                            AND gen_u('disclose', staff_no, day, v) < 0.015 THEN 'disclose' END
        END AS action
    FROM slots s
), visited AS (
    SELECT t.source_system, t.staff_no, t.client_no, t.day, t.visit_s + t.e * t.step_s AS t_s, t.action, t.task,
        CASE WHEN t.action = 'search' THEN NULL
             WHEN t.action = 'disclose' THEN 'asiakassuunnitelma'
             WHEN t.action = 'create' THEN CASE WHEN list_contains(d.docs, 'asiakaskertomus') THEN 'asiakaskertomus' ELSE d.docs[1] END
             ELSE d.docs[1 + gen_pick('document', t.staff_no, t.day, t.v * 100 + t.e, len(d.docs))] END AS document,
        CASE WHEN t.action = 'disclose' THEN 'statutory_right'
             WHEN t.role = 'supervision_officer' AND t.source_system = 'casem' THEN 'supervision'
             WHEN t.role = 'registry_clerk' THEN 'other_task'
             ELSE 'client_relationship' END AS purpose
    FROM typed t
    JOIN gen_documents d ON d.task = t.task
    SEMI JOIN g_allowed a ON a.role = t.role AND a.task = t.task AND a.action = t.action
    WHERE t.action IS NOT NULL
), month AS (
    SELECT * FROM visited
    UNION ALL
    SELECT l.source_system, l.staff_no, NULL, l.day, l.t_s, 'other', NULL, NULL, NULL
    FROM g_logins l
)
SELECT *, row_number() OVER (PARTITION BY source_system ORDER BY day, t_s, staff_no) AS n
FROM month
ORDER BY day, t_s, source_system, staff_no;
