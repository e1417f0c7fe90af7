-- title: the events behind one staff member's findings (the case's evidence), at most max_rows
-- used_by: pipelines/reports/case_pack.py
SELECT fe.finding_id, f.rule_id, e.event_local, e.source_system, e.source_event_id, e.account, e.client_id,
       e.action, e.service_task, e.document, e.purpose, e.channel, e.organisation_id, e.unit_id,
       e.recipient_organisation_id, e.outcome
FROM findings f
JOIN finding_events fe USING (finding_id)
JOIN events e ON e.source_system = fe.source_system AND e.source_event_id = fe.source_event_id
WHERE f.staff_id = $staff_id
ORDER BY e.event_time, fe.finding_id
LIMIT $max_rows
