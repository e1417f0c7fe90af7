-- title: findings for triage, filtered by rule, severity, unit, source and period (status is joined from the work store)
-- used_by: app_pages/findings.py
-- params: provider_only, rule, severity, unit, source, date_from, date_to, max_rows (NULL filter = any)
SELECT f.finding_id, f.rule_id, f.category, f.severity,
       coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) AS day,
       f.source_system, f.account, f.staff_id, f.client_id, f.organisation_id, f.unit_id,
       f.event_count, f.first_time
FROM findings f
WHERE (NOT $provider_only
       OR f.organisation_id IN (SELECT organisation_id FROM ref_organisations WHERE kind = 'private_provider'))
  AND ($rule IS NULL OR f.rule_id = $rule)
  AND ($severity IS NULL OR f.severity = $severity)
  AND ($unit IS NULL OR f.unit_id = $unit)
  AND ($source IS NULL OR f.source_system = $source)
  AND coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) BETWEEN $date_from AND $date_to
ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
         day DESC, f.finding_id
LIMIT $max_rows
