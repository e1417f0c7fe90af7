-- title: how chk_ctx_rows joins each event to its account-client-day (sql/checks/_access_context.sql, `/*acd_join*/`)
-- description: By the combination's hash (one 8-byte key per event instead of four strings, about half the cost
--   of the join) when the hashes of the partition's account-client-days are all distinct, by the four keys
--   otherwise. Every event's own combination is one of chk_acd_keys, so distinct hashes there mean no event's
--   hash can match another combination: the hash join gives each event exactly its own row. A collision of two
--   64-bit hashes among a partition's combinations is very unlikely, but it is checked, not assumed.
--   pipelines/checks/partitions.py asks `hashes_unique` and puts one of the two conditions in place.

-- step: hashes_unique
SELECT count(DISTINCT h) = count(*) FROM chk_acd_keys;

-- step: by_hash
a.h = hash(e.source_system, e.account, e.client_id, e.event_date)

-- step: by_keys
a.source_system = e.source_system AND a.account IS NOT DISTINCT FROM e.account
 AND a.client_id IS NOT DISTINCT FROM e.client_id AND a.event_date = e.event_date
