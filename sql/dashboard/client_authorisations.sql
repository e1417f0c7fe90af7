-- title: provider authorisation rows of one client (agreement, phase, period, cancellation)
-- used_by: app_pages/findings.py
SELECT organisation_id, agreement, phase, valid_from, valid_to, cancelled_on, line_no
FROM ref_provider_authorisations WHERE client_id = $client_id ORDER BY valid_from
