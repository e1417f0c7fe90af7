-- title: write the anomaly model's cases into findings and finding_events
-- description: Reads the temp tables model_cases(case_id, staff_id, first_day, last_day, severity,
--   organisation_id, unit_id, evidence) and model_case_days(case_id, staff_id, day) — a case is the flagged
--   days of one person that follow each other (pipelines/scoring/run.py) — and feature_account_staff
--   (001_user_day.sql). Re-scoring replaces every model_anomaly row, but the finding_id
--   = md5('model_anomaly|' || staff_id || '|' || first day) is stable while a case keeps its first day, so
--   review status kept in the work store by finding_id survives, and first_seen_at is carried over. The
--   finding's events are all of that person's events on the case's flagged days, in every source system.
--   Parameter: $now.

-- step: previous
CREATE OR REPLACE TEMP TABLE model_previous AS
SELECT finding_id, first_seen_at FROM findings WHERE rule_id = 'model_anomaly';

-- step: delete_events
DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM model_previous);

-- step: delete_findings
DELETE FROM findings WHERE rule_id = 'model_anomaly';

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

-- step: insert_findings
INSERT INTO findings (finding_id, rule_id, category, severity, finding_key, source_system, account, staff_id,
    client_id, organisation_id, unit_id, first_time, last_time, event_date, event_count, evidence, status,
    first_seen_at, last_checked_at)
SELECT f.case_id, 'model_anomaly', 'model', f.severity, f.staff_id || '|' || CAST(f.first_day AS VARCHAR),
    ev.source_system, NULL, f.staff_id, NULL, f.organisation_id, f.unit_id,
    ev.first_time, ev.last_time, f.first_day, coalesce(ev.event_count, 0), CAST(f.evidence AS JSON), 'new',
    coalesce(p.first_seen_at, CAST($now AS TIMESTAMPTZ)), CAST($now AS TIMESTAMPTZ)
FROM model_cases f
LEFT JOIN (
    SELECT finding_id, min(event_time) AS first_time, max(event_time) AS last_time, count(*) AS event_count,
        CASE WHEN count(DISTINCT source_system) = 1 THEN min(source_system) END AS source_system
    FROM model_flagged_events GROUP BY finding_id
) ev ON ev.finding_id = f.case_id
LEFT JOIN model_previous p ON p.finding_id = f.case_id;

-- step: insert_events
INSERT INTO finding_events (finding_id, source_system, source_event_id)
SELECT finding_id, source_system, source_event_id FROM model_flagged_events;
