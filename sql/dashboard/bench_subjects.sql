-- title: the page benchmark's heaviest subjects: the client, staff member and private provider with the most
--   events, and the period the events cover
-- used_by: pipelines/benchmarks/dashboard.py
WITH by_account AS (
    SELECT a.staff_id, count(*) AS n
    FROM events e JOIN ref_accounts a USING (source_system, account)
    GROUP BY 1
), by_client AS (
    SELECT client_id, count(*) AS n FROM events WHERE client_id IS NOT NULL GROUP BY 1
), staff_org AS (
    SELECT DISTINCT s.staff_id, s.organisation_id
    FROM ref_staff s JOIN ref_organisations o ON o.organisation_id = s.organisation_id AND o.kind = 'private_provider'
), by_provider AS (
    SELECT so.organisation_id, sum(b.n) AS n FROM by_account b JOIN staff_org so USING (staff_id) GROUP BY 1
)
SELECT (SELECT client_id FROM by_client ORDER BY n DESC, client_id LIMIT 1) AS client,
       (SELECT staff_id FROM by_account ORDER BY n DESC, staff_id LIMIT 1) AS staff,
       (SELECT organisation_id FROM by_provider ORDER BY n DESC, organisation_id LIMIT 1) AS provider,
       (SELECT min(event_date) FROM events) AS first_day,
       (SELECT max(event_date) FROM events) AS last_day
