-- id: log_duplicate_events
-- category: log_completeness
-- level: event
-- scope: events
-- severity: low
-- title_fi: Päällekkäiset lokitapahtumat
-- title_en: Duplicate events
-- legal_basis: asiakastietolaki 703/2023 10 §
-- description: Two or more events of one source with different event ids and identical account, client,
--   action, document and time: one finding holding all of them (key: source + the first event id).
--   A hash of the five columns finds the candidates cheaply; the exact columns then decide.
-- false_positives: A system that logs a page view and its reload in the same second.
-- The candidates come from the partition's events (chk_ev: the few columns the hash needs, read from the store);
-- their instants then pick the events of the context (chk_ctx) to compare exactly (a cheaper key than the hash;
-- an event that only shares the instant falls out in the exact grouping below).
WITH candidates AS (
    SELECT DISTINCT source_system, event_time FROM (
        SELECT source_system, event_time, hash(account, client_id, action, document, event_time) AS h
        FROM chk_ev GROUP BY ALL HAVING count(*) >= 2)
), ev AS (
    SELECT c.* FROM chk_ctx c
    SEMI JOIN candidates k ON k.source_system = c.source_system AND k.event_time = c.event_time
)
SELECT source_system || '|' || min(source_event_id) AS finding_key, source_system, account,
    any_value(staff_id) AS staff_id, client_id, any_value(coalesce(staff_org, event_org)) AS organisation_id,
    any_value(coalesce(staff_unit, event_unit)) AS unit_id, event_time AS first_time, event_time AS last_time,
    any_value(event_date) AS event_date,
    json_object('copies', count(*)) AS evidence,
    list({'source_system': source_system, 'source_event_id': source_event_id} ORDER BY source_event_id) AS events
FROM ev
GROUP BY source_system, account, client_id, action, document, event_time
HAVING count(DISTINCT source_event_id) >= 2
