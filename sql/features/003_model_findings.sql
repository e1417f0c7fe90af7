-- title: the anomaly model's cases as findings, in the one findings writer's shape (chk_found)
-- description: Reads the temp tables model_cases(case_id, staff_id, first_day, last_day, severity,
--   organisation_id, unit_id, evidence) and model_case_days(case_id, staff_id, day) — a case is the flagged
--   days of one person that follow each other (pipelines/scoring/run.py) — and feature_account_staff
--   (001_user_day.sql), and fills chk_found (sql/findings/found.sql); sql/findings/store.sql then writes them
--   like any rule's findings. finding_key = staff_id || '|' || first day, so the finding id
--   md5('model_anomaly|' || finding_key) is stable while a case keeps its first day and the review status kept
--   in the work store by that id survives re-scoring. The finding's events are all of that person's events on
--   the case's flagged days, in every source system.

-- step: flagged_events
-- In two steps, so that the wide columns (event ids, times) are read only for the flagged days' events: the
-- row ids first, from the narrow keys (system, account, date), then those rows.
CREATE OR REPLACE TEMP TABLE model_flagged_events AS
WITH flagged_keys AS (
    SELECT d.case_id AS finding_id, a.source_system, a.account, d.day
    FROM model_case_days d
    JOIN feature_account_staff a ON a.staff_id = d.staff_id
), hits AS (
    SELECT e.rowid AS event_row, k.finding_id
    FROM events e
    JOIN flagged_keys k ON e.source_system = k.source_system AND e.account = k.account AND e.event_date = k.day
)
SELECT h.finding_id, e.source_system, e.source_event_id, e.event_time
FROM events e
JOIN hits h ON e.rowid = h.event_row;

-- step: found
INSERT INTO chk_found BY NAME
SELECT 'model_anomaly' AS rule_id, f.staff_id || '|' || CAST(f.first_day AS VARCHAR) AS finding_key,
    ev.source_system, f.staff_id, f.organisation_id, f.unit_id, ev.first_time, ev.last_time,
    f.first_day AS event_date, CAST(f.evidence AS JSON) AS evidence,
    coalesce(ev.events, []) AS events, f.severity
FROM model_cases f
LEFT JOIN (
    SELECT finding_id, min(event_time) AS first_time, max(event_time) AS last_time,
        CASE WHEN count(DISTINCT source_system) = 1 THEN min(source_system) END AS source_system,
        list({'source_system': source_system, 'source_event_id': source_event_id}) AS events
    FROM model_flagged_events GROUP BY finding_id
) ev ON ev.finding_id = f.case_id;
