-- title: a provider's staff's accesses counted per account, client and day, with the staff member and whether the
--   staff member was employed by the provider that day
-- used_by: sql/dashboard/provider_access_status.sql (`-- with:`)
-- params: organisation_id, summarised (boolean: the ingest's account-client-day summary adds up to the events)
-- The status of an access depends only on who (the account's staff member), whose data (the client) and when (the
-- day), so the classification judges these keys once, not every event. With `summarised` the keys and their
-- counts come from account_client_days (kept at ingest: sql/schema/010_event_summaries.sql), a fraction of the
-- events' rows; without it (summaries that do not add up to the events, pipelines/checks/summaries.py) from the
-- events. Either way the same keys and counts.
-- A staff member counts for the provider whose staff row began last on or before the day (ASOF join): a former
-- worker whose employment ended still counts for the provider, with status after_employment (seed 000 §4: the
-- provider's right to see the data ends with the access right).
WITH acc AS (
    SELECT a.source_system, a.account, a.staff_id FROM ref_accounts a
    WHERE a.staff_id IN (SELECT staff_id FROM ref_staff WHERE organisation_id = $organisation_id)
), days AS (
    SELECT d.source_system, d.account, d.client_id, d.event_date, d.events
    FROM account_client_days d
    SEMI JOIN acc ON acc.source_system = d.source_system AND acc.account = d.account
    WHERE $summarised AND d.client_id IS NOT NULL
    UNION ALL
    SELECT e.source_system, e.account, e.client_id, e.event_date, count(*) AS events
    FROM events e
    SEMI JOIN acc ON acc.source_system = e.source_system AND acc.account = e.account
    WHERE NOT $summarised AND e.client_id IS NOT NULL
    GROUP BY ALL
)
SELECT d.source_system, d.account, acc.staff_id, d.client_id, d.event_date,
       d.event_date <= coalesce(s.valid_to, DATE '9999-12-31') AS employed, sum(d.events)::BIGINT AS events
FROM days d
JOIN acc ON acc.source_system = d.source_system AND acc.account = d.account
ASOF JOIN ref_staff s ON s.staff_id = acc.staff_id AND d.event_date >= s.valid_from
WHERE s.organisation_id = $organisation_id
GROUP BY ALL
