-- title: involvement and provider-authorisation periods behind one staff member's accesses (timeline bands)
-- used_by: app_pages/user_timeline.py
WITH acc AS (
    SELECT DISTINCT e.client_id FROM events e
    JOIN ref_accounts a ON a.source_system = e.source_system AND a.account = e.account
    WHERE a.staff_id = $staff_id AND e.event_date BETWEEN $date_from AND $date_to AND e.client_id IS NOT NULL
), me AS (
    SELECT DISTINCT unit_id, organisation_id FROM ref_staff WHERE staff_id = $staff_id
)
SELECT i.client_id AS lane, i.kind AS label,
       greatest(i.valid_from, $date_from) AS band_start, least(coalesce(i.valid_to, $date_to), $date_to) AS band_end
FROM ref_involvement i
WHERE i.client_id IN (SELECT client_id FROM acc)
  AND (i.staff_id = $staff_id OR i.unit_id IN (SELECT unit_id FROM me))
  AND i.valid_from <= $date_to AND coalesce(i.valid_to, DATE '9999-12-31') >= $date_from
UNION ALL
SELECT p.client_id, 'authorisation ' || p.phase,
       greatest(p.valid_from, $date_from),
       least(coalesce(p.valid_to, $date_to), coalesce(p.cancelled_on - 1, $date_to), $date_to)
FROM ref_provider_authorisations p
WHERE p.client_id IN (SELECT client_id FROM acc)
  AND p.organisation_id IN (SELECT organisation_id FROM me)
  AND p.valid_from <= $date_to AND coalesce(p.valid_to, DATE '9999-12-31') >= $date_from
