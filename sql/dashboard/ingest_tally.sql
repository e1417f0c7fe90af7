-- title: ingest tally per format and source: records read, normalised (new / already stored), quarantined
-- used_by: app_pages/overview.py
SELECT coalesce(source_system, '(' || format || ')') AS source,
       format,
       count(*)::BIGINT AS files,
       sum(records_read)::BIGINT AS records_read,
       sum(normalised_new)::BIGINT AS normalised_new,
       sum(normalised_existing)::BIGINT AS normalised_existing,
       sum(quarantined)::BIGINT AS quarantined,
       max(finished_at) AS last_finished
FROM ingest_runs
WHERE status = 'done'
GROUP BY ALL
ORDER BY source
