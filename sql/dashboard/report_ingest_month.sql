-- title: ingest runs started in one month: files, records read, normalised, quarantined
-- used_by: pipelines/reports/monitoring.py
SELECT coalesce(source_system, '(' || format || ')') AS source, count(*)::BIGINT AS files,
       sum(records_read)::BIGINT AS records_read,
       (sum(normalised_new) + sum(normalised_existing))::BIGINT AS normalised,
       sum(quarantined)::BIGINT AS quarantined
FROM ingest_runs
WHERE CAST(started_at AS DATE) BETWEEN $date_from AND $date_to AND status = 'done'
GROUP BY ALL ORDER BY source
