-- id: dq_unknown_client
-- category: data_quality
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Tuntematon asiakas
-- title_en: Unknown client
-- legal_basis: asiakastietolaki 703/2023 10 § 2 mom
-- description: Gate 3. The event's client_id is not in clients.csv, so no rule can judge the access.
-- false_positives: A client registered after the reference snapshot was exported; a temporary
--   identifier. Refresh clients.csv and re-run.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('reason', 'client_not_in_register') AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_ctx
WHERE gate_unknown_client
