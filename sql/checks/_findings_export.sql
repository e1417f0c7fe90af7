-- title: findings with their rule metadata and the source event ids of every event, for export
-- description: Read by pipelines/checks/export.py. Parameters: $status, $category, $rule (NULL = any).
--   The review status is joined on the Python side from the work store (latest review, default `new`).
SELECT f.finding_id, f.rule_id, f.category, f.severity, f.account, f.staff_id, f.client_id,
    f.organisation_id, f.unit_id, f.first_time, f.last_time, f.event_date, f.event_count, f.finding_key,
    CAST(f.evidence AS VARCHAR) AS evidence, f.first_seen_at,
    coalesce(list({'source_system': fe.source_system, 'source_event_id': fe.source_event_id}
                  ORDER BY fe.source_system, fe.source_event_id)
             FILTER (WHERE fe.source_event_id IS NOT NULL), []) AS events
FROM findings f
LEFT JOIN finding_events fe USING (finding_id)
WHERE ($category IS NULL OR f.category = $category)
  AND ($rule IS NULL OR f.rule_id = $rule)
GROUP BY ALL
ORDER BY f.event_date NULLS LAST, f.rule_id, f.finding_key
