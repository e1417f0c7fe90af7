-- title: a provider's staff rows with their access counts (no names or identity codes)
-- used_by: app_pages/provider.py, pipelines/reports/provider_pack.py
WITH s AS (SELECT * FROM ref_staff WHERE organisation_id = $organisation_id),
n AS (
    SELECT s.staff_id, s.line_no, count(*) AS accesses
    FROM s
    JOIN ref_accounts a ON a.staff_id = s.staff_id
    JOIN events e ON e.source_system = a.source_system AND e.account = a.account
    WHERE e.client_id IS NOT NULL
      AND e.event_date BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
    GROUP BY ALL
)
SELECT s.staff_id, s.unit_id, s.role, s.title, s.valid_from, s.valid_to, coalesce(n.accesses, 0) AS accesses
FROM s LEFT JOIN n ON n.staff_id = s.staff_id AND n.line_no IS NOT DISTINCT FROM s.line_no
ORDER BY s.staff_id, s.valid_from
