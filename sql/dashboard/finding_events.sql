-- title: the events of one finding (at most max_rows), Helsinki wall-clock time
-- used_by: app_pages/findings.py
SELECT e.event_local, e.source_system, e.source_event_id, e.account, e.client_id, e.action,
       e.service_task, e.document, e.purpose, e.emergency, e.channel, e.organisation_id, e.unit_id,
       e.recipient_organisation_id, e.outcome
FROM finding_events fe
JOIN events e ON e.source_system = fe.source_system AND e.source_event_id = fe.source_event_id
WHERE fe.finding_id = $finding_id
ORDER BY e.event_time
LIMIT $max_rows
