-- title: one finding with its evidence
-- used_by: app_pages/findings.py
SELECT f.*, o.kind AS organisation_kind
FROM findings f LEFT JOIN ref_organisations o USING (organisation_id)
WHERE f.finding_id = $finding_id
