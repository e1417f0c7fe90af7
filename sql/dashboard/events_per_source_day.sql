-- title: events per source system per Helsinki day (overview chart; gaps show as zero days)
-- used_by: app_pages/overview.py
SELECT source_system, event_date AS day, count(*)::BIGINT AS events
FROM events
GROUP BY ALL
ORDER BY source_system, day
