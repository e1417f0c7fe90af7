-- title: what an answer needs to know before it reads the client-sorted copy (one round trip)
-- description: `store` rows are index_fingerprint.sql now (substituted below) and `copy` rows what
--   disclosure_index_state recorded when disclosure_events_by_client was built, plus the copy's `build` id
--   (which identifies its layout, so that a connection reads the layout once per build): the copy is fresh
--   when the two agree (pipelines/disclosure/index.py read_index_state). `client`: the client's row count and
--   median date in the copy (no row for a client without events; $client_id may be NULL). `session`: the
--   connection's TimeZone, which a second cursor reading half of a large answer must share. Fails with a
--   catalog or binder error when the copy was never built, or was built by an older version (both: stale).
SELECT 'store' AS side, key, value, NULL::DATE AS day FROM (__FINGERPRINT__)
UNION ALL
SELECT 'copy', key, value, NULL FROM disclosure_index_state
UNION ALL
SELECT 'client', client_id, row_count, mid_date FROM disclosure_index_clients WHERE client_id = $client_id
UNION ALL
SELECT 'session', current_setting('TimeZone'), NULL, NULL
