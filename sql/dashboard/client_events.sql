-- title: every access to one client's data in a period, by whom, with its basis or finding
-- used_by: app_pages/client_timeline.py
-- params: client_id, date_from, date_to, max_rows, row_offset (paging); total_rows: how many in the period
WITH ev AS (
    SELECT e.*, a.staff_id FROM events e
    LEFT JOIN ref_accounts a ON a.source_system = e.source_system AND a.account = e.account
    WHERE e.client_id = $client_id AND e.event_date BETWEEN $date_from AND $date_to
), fr AS (
    SELECT fe.source_system, fe.source_event_id, min(f.rule_id) AS rule_id
    FROM finding_events fe JOIN findings f USING (finding_id)
    JOIN ev ON ev.source_system = fe.source_system AND ev.source_event_id = fe.source_event_id
    GROUP BY ALL
)
SELECT ev.event_local, ev.event_date, ev.source_system, ev.source_event_id,
       coalesce(ev.organisation_id, '?') || ' / ' || coalesce(ev.staff_id, ev.account, '?') AS lane,
       ev.staff_id, ev.account, ev.organisation_id, ev.action, ev.service_task, ev.document, ev.purpose,
       ev.recipient_organisation_id,
       CASE WHEN fr.rule_id IS NOT NULL THEN 'finding: ' || fr.rule_id
            ELSE coalesce(x.basis, 'no basis recorded') END AS basis,
       count(*) OVER () AS total_rows
FROM ev
LEFT JOIN fr ON fr.source_system = ev.source_system AND fr.source_event_id = ev.source_event_id
LEFT JOIN explanations x ON x.run_id = ev.run_id AND x.record_no = ev.record_no
ORDER BY ev.event_time, ev.source_system, ev.source_event_id
LIMIT $max_rows OFFSET $row_offset
