-- title: every access by a provider's staff with its status against the provider's authorisation for that client
-- used_by: sql/dashboard/provider_accesses.sql, provider_access_days.sql (`-- with:`)
-- with: provider_access_status
-- params: organisation_id, summarised (see provider_access_keys.sql)
-- Each event takes the status of its account, client and day (provider_access_status.sql: the classification).
SELECT e.event_time, e.event_local, e.event_date, e.source_system, e.source_event_id, k.staff_id, e.client_id,
    e.action, e.document, e.channel, k.status
FROM events e
JOIN provider_access_status k
  ON k.source_system = e.source_system AND k.account = e.account AND k.client_id = e.client_id
 AND k.event_date = e.event_date
