-- title: values offered by the triage filters (rules, severities, units, sources) and the period covered
-- used_by: app_pages/findings.py
SELECT 'rule' AS kind, rule_id AS value FROM findings GROUP BY ALL
UNION ALL SELECT 'severity', severity FROM findings GROUP BY ALL
UNION ALL SELECT 'unit', unit_id FROM findings WHERE unit_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'source', source_system FROM findings WHERE source_system IS NOT NULL GROUP BY ALL
ORDER BY kind, value
