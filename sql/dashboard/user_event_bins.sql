-- title: one staff member's accesses counted per day or hour and class (finding, no basis, legitimate)
-- used_by: app_pages/user_timeline.py
-- params: staff_id, date_from, date_to, hourly (boolean: per hour instead of per day)
-- The timeline draws these bins when the period holds too many accesses to draw one by one.
WITH ev AS (
    SELECT e.source_system, e.source_event_id, e.run_id, e.record_no, e.event_local FROM events e
    JOIN ref_accounts a ON a.source_system = e.source_system AND a.account = e.account
    WHERE a.staff_id = $staff_id AND e.event_date BETWEEN $date_from AND $date_to
), cls AS (
    SELECT date_trunc(CASE WHEN $hourly THEN 'hour' ELSE 'day' END, ev.event_local) AS bin_start,
           CASE WHEN EXISTS (SELECT 1 FROM finding_events fe WHERE fe.source_system = ev.source_system
                                                              AND fe.source_event_id = ev.source_event_id)
                THEN 'finding'
                WHEN x.basis IS NOT NULL THEN 'legitimate' ELSE 'no_basis' END AS cls
    FROM ev LEFT JOIN explanations x ON x.run_id = ev.run_id AND x.record_no = ev.record_no
)
SELECT bin_start, cls, count(*)::BIGINT AS accesses FROM cls GROUP BY ALL ORDER BY bin_start, cls
