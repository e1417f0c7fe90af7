-- title: people with a case: staff members with findings or unusual days, busiest first
-- used_by: app_pages/cases.py
-- A case gathers one person's related findings and the days the anomaly model flagged, so fifteen unusual days
-- of one worker are read as one matter, not fifteen.
WITH f AS (
    SELECT staff_id, count(*) AS findings, min(coalesce(event_date, CAST(first_seen_at AS DATE))) AS first_day,
           max(coalesce(event_date, CAST(first_seen_at AS DATE))) AS last_day,
           sum(CASE severity WHEN 'critical' THEN 8 WHEN 'high' THEN 4 WHEN 'medium' THEN 2 ELSE 1 END) AS weight
    FROM findings WHERE staff_id IS NOT NULL GROUP BY staff_id
), latest AS (SELECT model_id FROM models ORDER BY trained_at DESC LIMIT 1),
s AS (
    SELECT staff_id, count(*) AS flagged_days, min(day) AS first_day, max(day) AS last_day
    FROM scores WHERE flagged AND model_id IN (SELECT model_id FROM latest) GROUP BY staff_id
), names AS (
    SELECT st.staff_id, arg_max(st.full_name, st.valid_from) AS full_name, arg_max(st.title, st.valid_from) AS title,
           arg_max(st.unit_id, st.valid_from) AS unit_id,
           arg_max(coalesce(o.name, st.organisation_id), st.valid_from) AS organisation_name
    FROM ref_staff st LEFT JOIN ref_organisations o USING (organisation_id) GROUP BY st.staff_id
)
SELECT coalesce(f.staff_id, s.staff_id) AS staff_id, n.full_name, n.title, n.unit_id, n.organisation_name,
       coalesce(f.findings, 0)::BIGINT AS findings, coalesce(s.flagged_days, 0)::BIGINT AS flagged_days,
       least(f.first_day, s.first_day) AS first_day, greatest(f.last_day, s.last_day) AS last_day
FROM f FULL OUTER JOIN s ON f.staff_id = s.staff_id
LEFT JOIN names n ON n.staff_id = coalesce(f.staff_id, s.staff_id)
ORDER BY coalesce(f.weight, 0) + 5 * coalesce(s.flagged_days, 0) DESC, staff_id
