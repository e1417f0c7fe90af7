-- id: deceased_client_access
-- category: deceased
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Kuolleen asiakkaan tietojen katselu
-- title_en: Deceased client's record
-- legal_basis: asiakastietolaki 703/2023 9 §
-- description: Access after the client's date of death (the day of death itself is not flagged).
-- false_positives: Estate matters, closing the case, answering a relative's lawful request.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('deceased_on', deceased_on) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE deceased_on IS NOT NULL AND event_date > deceased_on AND NOT explained
