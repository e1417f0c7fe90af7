-- title: events per day over the whole store: the input of the data's real period (app_pages/_data.py, robust_span)
-- used_by: app_pages/_data.py
SELECT event_date, count(*)::BIGINT AS n FROM events WHERE event_date IS NOT NULL GROUP BY ALL ORDER BY event_date
