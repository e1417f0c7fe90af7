-- title: a provider's authorisations per client (agreement, phase, effective period)
-- used_by: app_pages/provider.py, pipelines/reports/provider_pack.py
SELECT client_id, agreement, phase, valid_from, valid_to, cancelled_on,
       least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS effective_to
FROM ref_provider_authorisations
WHERE organisation_id = $organisation_id
ORDER BY client_id, valid_from
