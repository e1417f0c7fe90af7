-- title: a provider's accesses counted per status, client and staff member (the page's counts and chart lanes)
-- used_by: app_pages/provider.py, pipelines/reports/provider_pack.py
-- with: provider_access_status
-- params: organisation_id, summarised (see provider_access_keys.sql)
SELECT status, client_id, staff_id, sum(events)::BIGINT AS accesses
FROM provider_access_status
GROUP BY ALL
ORDER BY status, client_id, staff_id
