-- title: accesses to one client's data counted per day or hour and class (finding, no basis, legitimate)
-- used_by: app_pages/client_timeline.py
-- params: client_id, date_from, date_to, hourly (boolean: per hour instead of per day)
WITH ev AS (
    SELECT e.source_system, e.source_event_id, e.run_id, e.record_no, e.event_local FROM events e
    WHERE e.client_id = $client_id AND e.event_date BETWEEN $date_from AND $date_to
), cls AS (
    SELECT date_trunc(CASE WHEN $hourly THEN 'hour' ELSE 'day' END, ev.event_local) AS bin_start,
           CASE WHEN EXISTS (SELECT 1 FROM finding_events fe WHERE fe.source_system = ev.source_system
                                                              AND fe.source_event_id = ev.source_event_id)
                THEN 'finding'
                WHEN x.basis IS NOT NULL THEN 'legitimate' ELSE 'no_basis' END AS cls
    FROM ev LEFT JOIN explanations x ON x.run_id = ev.run_id AND x.record_no = ev.record_no
)
SELECT bin_start, cls, count(*)::BIGINT AS accesses FROM cls GROUP BY ALL ORDER BY bin_start, cls
