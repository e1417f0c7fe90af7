-- id: mass_export
-- category: mass_export
-- level: event
-- scope: events
-- severity: high
-- title_fi: Usean asiakkaan tulostus tai vienti
-- title_en: Export or print of many records
-- legal_basis: asiakastietolaki 703/2023 9 §
-- description: An account's print and export events on one date reach at least
--   mass_export_distinct_clients distinct clients; the finding holds all of them. Key: account + date.
-- false_positives: A monthly statistics or invoicing run made under a personal account.
-- The account-days that reach the threshold are found from the narrow context and the account-client-days
-- (chk_ctx_rows, chk_acd: the few columns the count needs); only their events are then read whole.
WITH out AS (
    SELECT a.source_system, a.account, a.event_date, r.client_id, r.acd
    FROM chk_ctx_rows r JOIN chk_acd a USING (acd)
    WHERE r.judged AND r.action IN ('print', 'export')
), days AS (
    SELECT source_system, account, event_date, list(DISTINCT acd) AS acds FROM out GROUP BY ALL
    HAVING count(DISTINCT client_id) >= $mass_export_distinct_clients
)
SELECT source_system || '|' || account || '|' || event_date AS finding_key, source_system, account,
    any_value(staff_id) AS staff_id, NULL AS client_id, any_value(staff_org) AS organisation_id,
    any_value(staff_unit) AS unit_id, min(event_time) AS first_time, max(event_time) AS last_time, event_date,
    json_object('distinct_clients', count(DISTINCT client_id), 'threshold', $mass_export_distinct_clients) AS evidence,
    list({'source_system': source_system, 'source_event_id': source_event_id}) AS events
FROM chk_judged
WHERE action IN ('print', 'export') AND acd IN (SELECT unnest(acds) FROM days)
GROUP BY source_system, account, event_date
