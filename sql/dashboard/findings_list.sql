-- title: one page of findings for triage, filtered by rule, severity, unit, source, period and review status
-- used_by: app_pages/findings.py
-- params: provider_only, rule, severity, unit, source, date_from, date_to (NULL filter = any);
--         status_mode ('any', 'only': the findings in status_ids, 'except': all but those; review state lives in
--         the work store, so the page passes the ids whose latest status matches), status_ids (list),
--         max_rows, row_offset (paging). total_rows: how many match, on every row.
--         staff_name, title and organisation_name: the names people know them by (latest staff row).
WITH names AS (
    SELECT staff_id, arg_max(full_name, valid_from) AS staff_name, arg_max(title, valid_from) AS title
    FROM ref_staff GROUP BY staff_id
)
SELECT f.finding_id, f.rule_id, f.category, f.severity,
       coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) AS day,
       f.source_system, f.account, f.staff_id, n.staff_name, n.title, f.client_id, f.organisation_id,
       coalesce(o.name, f.organisation_id) AS organisation_name, f.unit_id,
       f.event_count, f.first_time, count(*) OVER () AS total_rows
FROM findings f
LEFT JOIN names n ON n.staff_id = f.staff_id
LEFT JOIN ref_organisations o ON o.organisation_id = f.organisation_id
WHERE (NOT $provider_only
       OR f.organisation_id IN (SELECT organisation_id FROM ref_organisations WHERE kind = 'private_provider'))
  AND ($rule IS NULL OR f.rule_id = $rule)
  AND ($severity IS NULL OR f.severity = $severity)
  AND ($unit IS NULL OR f.unit_id = $unit)
  AND ($source IS NULL OR f.source_system = $source)
  AND coalesce(f.event_date, CAST(f.first_seen_at AS DATE)) BETWEEN $date_from AND $date_to
  AND CASE $status_mode
        WHEN 'only' THEN f.finding_id IN (SELECT unnest($status_ids))
        WHEN 'except' THEN f.finding_id NOT IN (SELECT unnest($status_ids))
        ELSE true END
ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
         day DESC, f.finding_id
LIMIT $max_rows OFFSET $row_offset
