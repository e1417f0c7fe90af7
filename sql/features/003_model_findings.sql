-- title: write the anomaly model's flagged user-days into findings and finding_events
-- description: Reads the temp table model_flagged(staff_id, day, severity, organisation_id, unit_id, evidence)
--   and feature_account_staff (001_user_day.sql). Re-scoring replaces every model_anomaly row, but the
--   finding_id = md5('model_anomaly|' || staff_id || '|' || day) is stable, so review status kept in the
--   work store by finding_id survives, and first_seen_at is carried over. The finding's events are all
--   of that person's events of that day, in every source system. Parameter: $now.

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

-- step: insert_findings
INSERT INTO findings (finding_id, rule_id, category, severity, finding_key, source_system, account, staff_id,
    client_id, organisation_id, unit_id, first_time, last_time, event_date, event_count, evidence, status,
    first_seen_at, last_checked_at)
SELECT f.finding_id, 'model_anomaly', 'model', f.severity, f.staff_id || '|' || CAST(f.day AS VARCHAR),
    ev.source_system, NULL, f.staff_id, NULL, f.organisation_id, f.unit_id,
    ev.first_time, ev.last_time, f.day, coalesce(ev.event_count, 0), CAST(f.evidence AS JSON), 'new',
    coalesce(p.first_seen_at, CAST($now AS TIMESTAMPTZ)), CAST($now AS TIMESTAMPTZ)
FROM (SELECT *, md5('model_anomaly|' || staff_id || '|' || CAST(day AS VARCHAR)) AS finding_id FROM model_flagged) f
LEFT JOIN (
    SELECT finding_id, min(event_time) AS first_time, max(event_time) AS last_time, count(*) AS event_count,
        CASE WHEN count(DISTINCT source_system) = 1 THEN min(source_system) END AS source_system
    FROM model_flagged_events GROUP BY finding_id
) ev USING (finding_id)
LEFT JOIN model_previous p USING (finding_id);

-- step: insert_events
INSERT INTO finding_events (finding_id, source_system, source_event_id)
SELECT finding_id, source_system, source_event_id FROM model_flagged_events;
