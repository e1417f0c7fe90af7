-- title: staff register rows of one staff member (organisation, unit, role, employment period); no name or identity code
-- used_by: app_pages/findings.py, app_pages/user_timeline.py
SELECT s.staff_id, s.organisation_id, o.kind AS organisation_kind, s.unit_id, s.role, s.title,
       s.valid_from, s.valid_to, s.line_no
FROM ref_staff s LEFT JOIN ref_organisations o USING (organisation_id)
WHERE s.staff_id = $staff_id ORDER BY s.valid_from
