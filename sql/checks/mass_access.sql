-- id: mass_access
-- category: mass_access
-- level: event
-- scope: events
-- severity: high
-- title_fi: Hyvin monen asiakkaan tietojen katselu lyhyessä ajassa
-- title_en: Very many clients in a short time
-- legal_basis: seed 002; 703/2023 9 § (real cases: 583, 140, about 100 people viewed)
-- description: An account's access events reach at least mass_access_distinct_clients distinct clients in
--   some window [t, t + mass_access_window_minutes) starting at one of its events. The finding (key:
--   account + date) holds every event of that account inside any such window of the day.
-- false_positives: Bulk administrative work (a caseload transfer, a list of clients for a decision run);
--   check what the worker was asked to do that day.
WITH acc AS (
    SELECT source_system, account, event_date, event_time, source_event_id, client_id, staff_id, staff_org, staff_unit
    FROM chk_judged
), days AS (
    -- only account-days with enough distinct clients at all can hold a window that does
    SELECT source_system, account, event_date FROM acc GROUP BY ALL
    HAVING count(DISTINCT client_id) >= $mass_access_distinct_clients
), ev AS (
    SELECT a.* FROM acc a SEMI JOIN days d USING (source_system, account, event_date)
), windows AS (
    -- each event opens a window; count distinct clients inside it
    SELECT s.source_system, s.account, s.event_date, s.event_time AS w_start,
        s.event_time + to_minutes(CAST($mass_access_window_minutes AS BIGINT)) AS w_end
    FROM (SELECT DISTINCT source_system, account, event_date, event_time FROM ev) s
    JOIN ev e ON e.source_system = s.source_system AND e.account = s.account AND e.event_date = s.event_date
     AND e.event_time >= s.event_time
     AND e.event_time < s.event_time + to_minutes(CAST($mass_access_window_minutes AS BIGINT))
    GROUP BY ALL
    HAVING count(DISTINCT e.client_id) >= $mass_access_distinct_clients
), members AS (
    SELECT DISTINCT e.*
    FROM windows w JOIN ev e ON e.source_system = w.source_system AND e.account = w.account
     AND e.event_date = w.event_date AND e.event_time >= w.w_start AND e.event_time < w.w_end
)
SELECT source_system || '|' || account || '|' || event_date AS finding_key, source_system, account,
    any_value(staff_id) AS staff_id, NULL AS client_id, any_value(staff_org) AS organisation_id,
    any_value(staff_unit) AS unit_id, min(event_time) AS first_time, max(event_time) AS last_time, event_date,
    json_object('distinct_clients', count(DISTINCT client_id), 'window_minutes', $mass_access_window_minutes,
                'threshold', $mass_access_distinct_clients) AS evidence,
    list({'source_system': source_system, 'source_event_id': source_event_id}) AS events
FROM members
GROUP BY source_system, account, event_date
