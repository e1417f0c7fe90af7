-- id: log_clock_skew
-- category: log_completeness
-- level: event
-- scope: events
-- severity: low
-- title_fi: Lokin kellonaika virheellinen
-- title_en: Clock skew
-- legal_basis: asiakastietolaki 703/2023 10 § 2 mom (käytön ajankohta)
-- description: The event time is more than clock_skew_future_minutes after the start of the ingest run that
--   stored it, or the local time does not exist (inside the spring DST gap).
-- false_positives: A source clock in the wrong zone; a test record. Check the source's time settings.
SELECT c.source_system || '|' || c.source_event_id AS finding_key, c.source_system, c.account, c.staff_id,
    c.client_id, coalesce(c.staff_org, c.event_org) AS organisation_id, coalesce(c.staff_unit, c.event_unit) AS unit_id,
    c.event_time AS first_time, c.event_time AS last_time, c.event_date,
    json_object('nonexistent_local_time', coalesce(c.time_flag = 'nonexistent', false),
                'ingested_at', r.started_at) AS evidence,
    [{'source_system': c.source_system, 'source_event_id': c.source_event_id}] AS events
FROM chk_ctx c
LEFT JOIN ingest_runs r USING (run_id)
WHERE c.time_flag = 'nonexistent'
   OR c.event_time > r.started_at + to_minutes(CAST($clock_skew_future_minutes AS BIGINT))
