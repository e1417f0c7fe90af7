-- title: the months that hold events inside the data's real period, newest first (the report's month list)
-- used_by: app_pages/report.py
-- params: date_from, date_to (the robust period of period_bounds.sql)
SELECT year(event_date) AS year, month(event_date) AS month, count(*)::BIGINT AS events
FROM events
WHERE event_date BETWEEN $date_from AND $date_to
GROUP BY ALL
ORDER BY year DESC, month DESC
