-- title: a provider's accesses counted per status, client and staff member (the page's counts and chart lanes)
-- used_by: app_pages/provider.py, pipelines/reports/provider_pack.py
-- with: provider_access_rows
-- params: organisation_id
SELECT status, client_id, staff_id, count(*)::BIGINT AS accesses
FROM provider_access_rows
GROUP BY ALL
ORDER BY status, client_id, staff_id
