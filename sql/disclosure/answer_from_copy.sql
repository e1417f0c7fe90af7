-- title: one client's answer rows from the client-sorted copy (a single selective scan, no joins)
-- description: Used while disclosure_index_state says the copy is fresh. Parameters: $client_id, $date_from,
--   $date_to (Helsinki calendar dates). Same columns as enrich.sql; the caller orders the few rows.
SELECT * FROM disclosure_events_by_client
WHERE client_id = $client_id AND event_date BETWEEN $date_from AND $date_to
