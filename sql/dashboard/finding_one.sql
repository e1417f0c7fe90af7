-- title: one finding with its evidence, and the names of the people and organisation it concerns
-- used_by: app_pages/findings.py
-- The client's name and protection flags are shown only to the roles allowed to see them (the page decides).
WITH names AS (
    SELECT staff_id, arg_max(full_name, valid_from) AS staff_name, arg_max(title, valid_from) AS staff_title
    FROM ref_staff GROUP BY staff_id
)
SELECT f.*, o.kind AS organisation_kind, coalesce(o.name, f.organisation_id) AS organisation_name,
       n.staff_name, n.staff_title, c.full_name AS client_name, c.security_prohibition, c.placement_secret,
       c.deceased_on
FROM findings f
LEFT JOIN ref_organisations o USING (organisation_id)
LEFT JOIN names n ON n.staff_id = f.staff_id
LEFT JOIN ref_clients c ON c.client_id = f.client_id
WHERE f.finding_id = $finding_id
