-- title: one client's involvement and provider-authorisation periods (timeline bands)
-- used_by: app_pages/client_timeline.py
SELECT 'involvement: ' || kind || ' ' || coalesce(staff_id, unit_id, '') AS lane, kind AS label,
       greatest(valid_from, $date_from) AS band_start, least(coalesce(valid_to, $date_to), $date_to) AS band_end
FROM ref_involvement
WHERE client_id = $client_id AND valid_from <= $date_to AND coalesce(valid_to, DATE '9999-12-31') >= $date_from
UNION ALL
SELECT 'authorisation: ' || organisation_id, 'authorisation ' || phase,
       greatest(valid_from, $date_from),
       least(coalesce(valid_to, $date_to), coalesce(cancelled_on - 1, $date_to), $date_to)
FROM ref_provider_authorisations
WHERE client_id = $client_id AND valid_from <= $date_to AND coalesce(valid_to, DATE '9999-12-31') >= $date_from
