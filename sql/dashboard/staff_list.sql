-- title: staff members to pick from, searchable by name (latest row per staff id: name, title, unit, organisation)
-- used_by: app_pages/user_timeline.py, app_pages/cases.py
SELECT s.staff_id, arg_max(s.full_name, s.valid_from) AS full_name, arg_max(s.title, s.valid_from) AS title,
       arg_max(s.unit_id, s.valid_from) AS unit_id, arg_max(s.organisation_id, s.valid_from) AS organisation_id,
       arg_max(coalesce(o.name, s.organisation_id), s.valid_from) AS organisation_name
FROM ref_staff s LEFT JOIN ref_organisations o USING (organisation_id)
GROUP BY s.staff_id ORDER BY full_name, s.staff_id
