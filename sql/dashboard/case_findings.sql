-- title: every finding of one staff member (a case), newest first, with the client's name where known
-- used_by: app_pages/cases.py, pipelines/reports/case_pack.py
SELECT f.finding_id, f.rule_id, f.category, f.severity, coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) AS day,
       f.first_time, f.last_time, f.client_id, c.full_name AS client_name, f.source_system,
       coalesce(o.name, f.organisation_id) AS organisation_name, f.unit_id, f.event_count
FROM findings f
LEFT JOIN ref_clients c ON c.client_id = f.client_id
LEFT JOIN ref_organisations o ON o.organisation_id = f.organisation_id
WHERE f.staff_id = $staff_id
ORDER BY day DESC, f.first_time DESC, f.finding_id
