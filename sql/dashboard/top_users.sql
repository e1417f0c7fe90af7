-- title: staff ranked by risk: findings weighted by severity plus flagged anomalous days
-- used_by: app_pages/overview.py
-- params: provider_only, max_rows
WITH f AS (
    SELECT staff_id, count(*) AS findings,
           sum(CASE severity WHEN 'critical' THEN 8 WHEN 'high' THEN 4 WHEN 'medium' THEN 2 ELSE 1 END) AS weight
    FROM findings
    WHERE staff_id IS NOT NULL
      AND (NOT $provider_only
           OR organisation_id IN (SELECT organisation_id FROM ref_organisations WHERE kind = 'private_provider'))
    GROUP BY staff_id
), latest AS (SELECT model_id FROM models ORDER BY trained_at DESC LIMIT 1),
s AS (
    SELECT staff_id, max(score) AS max_score, count(*) FILTER (WHERE flagged) AS flagged_days
    FROM scores WHERE model_id IN (SELECT model_id FROM latest) GROUP BY staff_id
)
SELECT coalesce(f.staff_id, s.staff_id) AS staff_id, coalesce(f.findings, 0) AS findings,
       coalesce(f.weight, 0) AS severity_weight, coalesce(s.flagged_days, 0) AS flagged_days, s.max_score,
       coalesce(f.weight, 0) + 5 * coalesce(s.flagged_days, 0) AS risk
FROM f FULL OUTER JOIN s ON f.staff_id = s.staff_id
WHERE NOT $provider_only OR f.staff_id IS NOT NULL
ORDER BY risk DESC, staff_id
LIMIT $max_rows
