-- title: one staff member's events in a period with the basis that explained each or the finding it is in
-- used_by: app_pages/user_timeline.py
-- params: staff_id, date_from, date_to, max_rows, row_offset (paging); total_rows: how many in the period
WITH ev AS (
    SELECT e.* FROM events e
    JOIN ref_accounts a ON a.source_system = e.source_system AND a.account = e.account
    WHERE a.staff_id = $staff_id AND e.event_date BETWEEN $date_from AND $date_to
), fr AS (
    SELECT fe.source_system, fe.source_event_id, min(f.rule_id) AS rule_id
    FROM finding_events fe JOIN findings f USING (finding_id)
    JOIN ev ON ev.source_system = fe.source_system AND ev.source_event_id = fe.source_event_id
    GROUP BY ALL
)
SELECT ev.event_local, ev.event_date, ev.source_system, ev.source_event_id,
       coalesce(ev.client_id, '(' || ev.action || ')') AS lane, ev.client_id, ev.action,
       ev.service_task, ev.document, ev.purpose, ev.channel,
       CASE WHEN fr.rule_id IS NOT NULL THEN 'finding: ' || fr.rule_id
            ELSE coalesce(x.basis, 'no basis recorded') END AS basis,
       count(*) OVER () AS total_rows
FROM ev
LEFT JOIN fr ON fr.source_system = ev.source_system AND fr.source_event_id = ev.source_event_id
LEFT JOIN explanations x ON x.run_id = ev.run_id AND x.record_no = ev.record_no
ORDER BY ev.event_time, ev.source_system, ev.source_event_id
LIMIT $max_rows OFFSET $row_offset
