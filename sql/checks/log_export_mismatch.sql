-- id: log_export_mismatch
-- category: log_completeness
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Uudelleen poimittu loki poikkeaa
-- title_en: Export differs when extracted again
-- legal_basis: asiakastietolaki 703/2023 10 §
-- description: An event id arrived again with different content (event_conflicts). The stored version is
--   kept; the finding (key: source + event id) lists the differing columns.
-- false_positives: A source that legitimately corrects events after the fact (it should log a new event).
SELECT c.source_system || '|' || c.source_event_id AS finding_key, c.source_system, e.account,
    NULL AS staff_id, e.client_id, e.organisation_id, e.unit_id, e.event_time AS first_time,
    e.event_time AS last_time, e.event_date,
    json_object('differing', list(DISTINCT c.differing), 'arrivals', count(*)) AS evidence,
    [{'source_system': c.source_system, 'source_event_id': c.source_event_id}] AS events
FROM event_conflicts c
LEFT JOIN events e ON e.source_system = c.source_system AND e.source_event_id = c.source_event_id
GROUP BY c.source_system, c.source_event_id, e.account, e.client_id, e.organisation_id, e.unit_id, e.event_time, e.event_date
