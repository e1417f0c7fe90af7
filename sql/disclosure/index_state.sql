-- title: is the client-sorted copy still what the store holds? (the store's and the copy's fingerprints)
-- description: One query, two sides: `store` rows are index_fingerprint.sql now (substituted below), `copy`
--   rows what disclosure_index_state recorded when disclosure_events_by_client was built, plus the copy's
--   `build` id (which identifies its layout, so that a connection reads the layout once per build). The copy
--   is fresh when the two sides agree (pipelines/disclosure/index.py read_index_state). Fails with a catalog
--   or binder error when the copy was never built, or was built by an older version (both mean stale).
SELECT 'store' AS side, key, value FROM (__FINGERPRINT__)
UNION ALL
SELECT 'copy', key, value FROM disclosure_index_state
