-- title: the most unusual user-days of the latest model run, with the plain-language explanation
-- used_by: app_pages/anomalies.py, pipelines/reports/monitoring.py
-- params: date_from, date_to, max_rows
WITH latest AS (SELECT model_id FROM models ORDER BY trained_at DESC LIMIT 1)
SELECT s.rank, s.staff_id, s.day, s.score, s.flagged, s.explanation_fi, s.explanation_en, s.drivers,
       st.full_name AS staff_name, st.title, st.unit_id
FROM scores s
LEFT JOIN (SELECT staff_id, arg_max(full_name, valid_from) AS full_name, arg_max(title, valid_from) AS title, arg_max(unit_id, valid_from) AS unit_id
           FROM ref_staff GROUP BY staff_id) st USING (staff_id)
WHERE (s.model_id IN (SELECT model_id FROM latest) OR NOT EXISTS (SELECT 1 FROM latest))
  AND s.day BETWEEN $date_from AND $date_to
ORDER BY s.score DESC
LIMIT $max_rows
