-- title: staff members to pick from (latest row per staff id: title, unit, organisation)
-- used_by: app_pages/user_timeline.py
SELECT staff_id, arg_max(title, valid_from) AS title, arg_max(unit_id, valid_from) AS unit_id,
       arg_max(organisation_id, valid_from) AS organisation_id
FROM ref_staff GROUP BY staff_id ORDER BY staff_id
