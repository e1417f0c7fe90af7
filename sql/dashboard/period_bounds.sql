-- title: first and last event date in the store (default period of filters and timelines)
-- used_by: app_pages/_data.py
SELECT min(event_date) AS first_day, max(event_date) AS last_day FROM events
