-- title: the anomaly model's flagged user-days as findings, for the one findings writer
-- description: Reads the temp table model_flagged(staff_id, day, severity, organisation_id, unit_id, evidence)
--   and feature_account_staff (001_user_day.sql); fills chk_found (sql/findings/found.sql), which
--   sql/findings/store.sql then writes as it writes the rules' findings. The finding_key staff_id|day gives
--   the stable finding_id md5('model_anomaly|' || staff_id || '|' || day), so review status kept in the work
--   store by finding_id survives re-scoring, and first_seen_at is carried over. The finding's events are all
--   of that person's events of that day, in every source system.

-- step: flagged_events
-- In two steps, so that the wide columns (event ids, times) are read only for the flagged days' events: the
-- row ids first, from the narrow keys (system, account, date), then those rows.
CREATE OR REPLACE TEMP TABLE model_flagged_events AS
WITH flagged_keys AS (
    SELECT md5('model_anomaly|' || f.staff_id || '|' || CAST(f.day AS VARCHAR)) AS finding_id,
        a.source_system, a.account, f.day
    FROM model_flagged f
    JOIN feature_account_staff a ON a.staff_id = f.staff_id
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
SELECT 'model_anomaly' AS rule_id, f.staff_id || '|' || CAST(f.day AS VARCHAR) AS finding_key,
    ev.source_system, f.staff_id, f.organisation_id, f.unit_id, ev.first_time, ev.last_time,
    f.day AS event_date, CAST(f.evidence AS JSON) AS evidence, coalesce(ev.events, []) AS events, f.severity
FROM (SELECT *, md5('model_anomaly|' || staff_id || '|' || CAST(day AS VARCHAR)) AS finding_id FROM model_flagged) f
LEFT JOIN (
    SELECT finding_id, min(event_time) AS first_time, max(event_time) AS last_time,
        CASE WHEN count(DISTINCT source_system) = 1 THEN min(source_system) END AS source_system,
        list({'source_system': source_system, 'source_event_id': source_event_id}) AS events
    FROM model_flagged_events GROUP BY finding_id
) ev USING (finding_id);
