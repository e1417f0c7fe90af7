-- title: a provider's staff's accesses with their status against the authorisation (one page of them)
-- used_by: app_pages/provider.py, pipelines/reports/provider_pack.py
-- with: provider_access_rows
-- params: organisation_id, summarised (see provider_access_keys.sql), outside_only (boolean: only accesses that are
--   not inside_service), max_rows, row_offset
SELECT event_local, event_date, source_system, source_event_id, staff_id, client_id, action, document, channel,
       status
FROM provider_access_rows
WHERE NOT $outside_only OR status NOT IN ('inside_service', 'framework_assessment')
ORDER BY event_time, source_system, source_event_id
LIMIT $max_rows OFFSET $row_offset
