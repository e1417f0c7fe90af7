-- title: findings counted per rule, severity, week and open or not (the overview's metrics and charts)
-- used_by: app_pages/overview.py
-- params: provider_only (boolean), closed_ids (list: findings whose latest review status closed them;
--         review state lives in the work store, so the page passes the ids)
SELECT f.rule_id, f.severity,
       CAST(date_trunc('week', coalesce(f.event_date, CAST(f.first_seen_at AS DATE))) AS DATE) AS week,
       f.finding_id NOT IN (SELECT unnest($closed_ids)) AS is_open,
       count(*)::BIGINT AS findings
FROM findings f
WHERE NOT $provider_only
   OR f.organisation_id IN (SELECT organisation_id FROM ref_organisations WHERE kind = 'private_provider')
GROUP BY ALL
ORDER BY week, rule_id, severity, is_open
