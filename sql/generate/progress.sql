-- title: the vectorised generator's month window and its tallies (pipelines/generate/vectorised.py)
-- step: month_start
SET VARIABLE gen_month_start = $v
-- step: month_end
SET VARIABLE gen_month_end = $v
-- step: client_codes
-- the identity-code construction is injective; a changed size that breaks it must fail loudly
SELECT count(DISTINCT client_id), count(*) FROM g_clients
-- step: month_sources
SELECT source_system, count(*) FROM g_events GROUP BY 1 ORDER BY 1
-- step: totals
SELECT (SELECT count(*) FROM g_staff), (SELECT count(*) FROM g_clients)
