-- title: the days the latest anomaly model flagged for one staff member, with its plain-language explanation
-- used_by: app_pages/cases.py, pipelines/reports/case_pack.py
WITH latest AS (SELECT model_id FROM models ORDER BY trained_at DESC LIMIT 1)
SELECT s.day, s.score, s.rank, s.explanation_fi, s.explanation_en, s.drivers
FROM scores s
WHERE s.staff_id = $staff_id AND s.flagged AND s.model_id IN (SELECT model_id FROM latest)
ORDER BY s.day
