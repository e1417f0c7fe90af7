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
-- The context's one read of the partition marks the events that may be skewed (chk_ctx_rows.log_suspect: these
-- conditions or a missing field); only theirs are fetched from the partition's events by row id, and the staff
-- row of a skewed event comes from its account-client-day (chk_acd).
SELECT c.source_system || '|' || c.source_event_id AS finding_key, c.source_system, c.account, a.staff_id,
    c.client_id, coalesce(a.staff_org, c.event_org) AS organisation_id, coalesce(a.staff_unit, c.event_unit) AS unit_id,
    c.event_time AS first_time, c.event_time AS last_time, c.event_date,
    json_object('nonexistent_local_time', coalesce(c.time_flag = 'nonexistent', false),
                'ingested_at', r.started_at) AS evidence,
    [{'source_system': c.source_system, 'source_event_id': c.source_event_id}] AS events
FROM (SELECT s.source_system, e.source_event_id, s.event_time, s.event_date, s.client_id, e.account,
          e.organisation_id AS event_org, e.unit_id AS event_unit, e.time_flag, e.run_id
      FROM chk_ctx_rows s JOIN chk_scope_events e ON e.event_row = s.event_row
      WHERE s.log_suspect) c
LEFT JOIN ingest_runs r USING (run_id)
LEFT JOIN chk_acd a
  ON a.source_system = c.source_system AND a.account IS NOT DISTINCT FROM c.account
 AND a.client_id IS NOT DISTINCT FROM c.client_id AND a.event_date = c.event_date
WHERE c.time_flag = 'nonexistent'
   OR epoch_us(c.event_time) > epoch_us(r.started_at) + CAST($clock_skew_future_minutes AS BIGINT) * 60000000
