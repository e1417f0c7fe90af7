-- title: one client's answer rows from the client-sorted copy (a single selective scan, no joins)
-- description: Used while disclosure_index_state says the copy is fresh. Parameters: $client_id, $date_from,
--   $date_to (Helsinki calendar dates; a large answer is read as two date halves at once). The event's own
--   columns and the `codes` array, which pipelines/disclosure/index.py decodes with disclosure_index_layout;
--   client_id is not read back (every row is the client's: the caller adds it). The copy is built in the
--   answer's order; an update after a check (index.py update_client_index) appends the touched client-days at
--   the end, and then index.py sorts the decoded rows (the source system is coded here, so it cannot be).
SELECT * EXCLUDE (client_id) FROM disclosure_events_by_client
WHERE client_id = $client_id AND event_date BETWEEN $date_from AND $date_to
