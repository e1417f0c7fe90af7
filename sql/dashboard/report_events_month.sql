-- title: ingest health per source system for one month (events, active days, first and last day)
-- used_by: pipelines/reports/monitoring.py
SELECT source_system, count(*)::BIGINT AS events, count(DISTINCT event_date)::BIGINT AS active_days,
       min(event_date) AS first_day, max(event_date) AS last_day
FROM events WHERE event_date BETWEEN $date_from AND $date_to
GROUP BY ALL ORDER BY source_system
