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
-- The candidates come from the hash of the five columns and the source that the context computed for each event
-- (chk_ctx_rows.dup_h: the rule reads no event column of its own); the events of a repeated hash are then
-- compared exactly (chk_ctx for their wide columns).
WITH dup AS (
    -- the hashes that occur twice or more: found by sorting the partition's one 64-bit key per event
    -- (chk_ctx_rows.dup_h, computed in the context's one read of the partition) and comparing neighbours, which
    -- is cheaper than grouping two million keys that are nearly all distinct; a collision only adds a candidate,
    -- which the exact grouping below drops
    SELECT DISTINCT h FROM (SELECT dup_h AS h, lag(dup_h) OVER (ORDER BY dup_h) AS prev FROM chk_ctx_rows)
    WHERE h = prev
), ev AS (
    -- every copy of an exact duplicate has its group's hash, so the events of those hashes are all the exact
    -- grouping below needs; their rows are picked from the context's own columns before the wide ones are fetched
    SELECT c.* FROM chk_ctx c
    WHERE c.event_row IN (SELECT r.event_row FROM chk_ctx_rows r SEMI JOIN dup ON dup.h = r.dup_h)
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
