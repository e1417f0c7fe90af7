-- title: one short row per finding (rule, severity, date, staff) for counts and trends; joined to review state in Python
-- used_by: app_pages/overview.py, pipelines/reports/monitoring.py
-- params: provider_only (boolean: only findings whose acting organisation is a private provider)
SELECT f.finding_id, f.rule_id, f.category, f.severity,
       coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) AS day,
       f.staff_id, f.organisation_id, f.source_system
FROM findings f
WHERE NOT $provider_only
   OR f.organisation_id IN (SELECT organisation_id FROM ref_organisations WHERE kind = 'private_provider')
