-- title: involvement rows of one client (who took part in handling the client's matter, when)
-- used_by: app_pages/findings.py
SELECT kind, staff_id, unit_id, valid_from, valid_to, line_no
FROM ref_involvement WHERE client_id = $client_id ORDER BY valid_from, kind
