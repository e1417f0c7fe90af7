-- title: a provider's accesses per client, day and status, for the chosen clients (the timeline's markers)
-- used_by: app_pages/provider.py
-- with: provider_access_rows
-- params: organisation_id, summarised (see provider_access_keys.sql), client_ids (list)
SELECT client_id, event_date, status, min(event_local) AS first_local, count(*)::BIGINT AS accesses,
       string_agg(DISTINCT action, ', ' ORDER BY action) AS actions,
       string_agg(DISTINCT source_system, ', ' ORDER BY source_system) AS sources
FROM provider_access_rows
WHERE client_id IN (SELECT unnest($client_ids))
GROUP BY ALL
ORDER BY client_id, event_date, status
