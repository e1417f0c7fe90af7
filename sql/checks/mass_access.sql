-- id: mass_access
-- category: mass_access
-- level: event
-- scope: events
-- severity: high
-- title_fi: Hyvin monen asiakkaan tietojen katselu lyhyessä ajassa
-- title_en: Very many clients in a short time
-- legal_basis: asiakastietolaki 703/2023 9 § ja 10 § (käytön seuranta)
-- description: An account's access events reach at least mass_access_distinct_clients distinct clients in
--   some window [t, t + mass_access_window_minutes) starting at one of its events. The finding (key:
--   account + date) holds every event of that account inside any such window of the day. Window functions
--   over each account-day (a distinct count over a RANGE frame, then the latest qualifying start), so the
--   cost grows as n log n in the events of a busy day, not as its square (no self-join of the day's events).
--   The account-days that reach the threshold at all are found first from the account-client-days
--   (chk_acd: one row per distinct client of an account-day), so only their events are windowed.
-- false_positives: Bulk administrative work (a caseload transfer, a list of clients for a decision run);
--   check what the worker was asked to do that day.
WITH judged_acd AS (
    SELECT DISTINCT acd FROM chk_ctx_rows WHERE judged
), days AS (
    -- an account-day's distinct clients among its judged events: its account-client-days with a judged event
    SELECT a.source_system, a.account, a.event_date, list(a.acd) AS acds
    FROM judged_acd j JOIN chk_acd a USING (acd)
    GROUP BY ALL HAVING count(*) >= $mass_access_distinct_clients
), ev AS (
    SELECT source_system, account, event_date, event_time, source_event_id, client_id, staff_id, staff_org, staff_unit
    FROM chk_judged WHERE acd IN (SELECT unnest(acds) FROM days)
), opened AS (
    -- each event opens the window [its time, + window); distinct clients in it (RANGE frames are inclusive,
    -- hence one microsecond less than the window)
    SELECT *,
        count(DISTINCT client_id) OVER (
            PARTITION BY source_system, account, event_date ORDER BY event_time
            RANGE BETWEEN CURRENT ROW
                AND to_microseconds(CAST($mass_access_window_minutes AS BIGINT) * 60000000 - 1) FOLLOWING
        ) AS clients_in_window
    FROM ev
), reach AS (
    -- the latest start of a qualifying window at or before each event: the event is inside a qualifying
    -- window if and only if it is inside that one
    SELECT *,
        max(CASE WHEN clients_in_window >= $mass_access_distinct_clients THEN event_time END) OVER (
            PARTITION BY source_system, account, event_date ORDER BY event_time
            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS latest_start
    FROM opened
), members AS (
    SELECT * FROM reach
    WHERE event_time < latest_start + to_minutes(CAST($mass_access_window_minutes AS BIGINT))
)
SELECT source_system || '|' || account || '|' || event_date AS finding_key, source_system, account,
    any_value(staff_id) AS staff_id, NULL AS client_id, any_value(staff_org) AS organisation_id,
    any_value(staff_unit) AS unit_id, min(event_time) AS first_time, max(event_time) AS last_time, event_date,
    json_object('distinct_clients', count(DISTINCT client_id), 'window_minutes', $mass_access_window_minutes,
                'threshold', $mass_access_distinct_clients) AS evidence,
    list({'source_system': source_system, 'source_event_id': source_event_id}) AS events
FROM members
GROUP BY source_system, account, event_date
