-- title: what the store holds, for `lokivahti status`: one query per step, each read on its own

-- step: version
SELECT max(version) FROM schema_version;

-- step: events
SELECT source_system, count(*), min(event_local), max(event_local) FROM events GROUP BY 1 ORDER BY 1;

-- step: quarantine
-- The reason without its detail in parentheses, so that one kind of problem is one row.
SELECT regexp_replace(reason, ' \(.*', ''), count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC;

-- step: reference
SELECT 'ref_organisations', count(*) FROM ref_organisations
UNION ALL SELECT 'ref_staff', count(*) FROM ref_staff
UNION ALL SELECT 'ref_accounts', count(*) FROM ref_accounts
UNION ALL SELECT 'ref_clients', count(*) FROM ref_clients
UNION ALL SELECT 'ref_involvement', count(*) FROM ref_involvement
UNION ALL SELECT 'ref_provider_authorisations', count(*) FROM ref_provider_authorisations;

-- step: ingest
SELECT count(*), sum(records_read), sum(normalised_new), sum(normalised_existing), sum(quarantined)
FROM ingest_runs WHERE status = 'done';
