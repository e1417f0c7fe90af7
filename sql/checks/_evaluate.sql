-- title: what the catalogue flagged, and which legitimate accesses it explained, for `lokivahti evaluate`
-- description: Steps read by pipelines/checks/evaluate.py; nothing here is read by the checks themselves.
--   The explained share it reports is sql/findings/explained_share.sql, the measure `check` prints.

-- step: flagged_events
SELECT DISTINCT f.rule_id, fe.source_system, fe.source_event_id
FROM findings f JOIN finding_events fe USING (finding_id);

-- step: flagged_keys
SELECT DISTINCT rule_id, finding_key AS key FROM findings;

-- step: false_findings
-- Per rule: the legitimate accesses (no violation label of any rule) that the rule put in a finding. The
-- evaluation prints them per 10,000 legitimate accesses; the target is 0 for every access rule.
WITH acc AS (
    SELECT source_system, source_event_id FROM events
    WHERE client_id IS NOT NULL AND action <> 'other' AND coalesce(outcome, 'success') = 'success'
), legit AS (
    SELECT a.* FROM acc a
    ANTI JOIN (SELECT DISTINCT source_system, source_event_id FROM labels WHERE kind = 'violation') v
        USING (source_system, source_event_id)
)
SELECT f.rule_id, count(DISTINCT (l.source_system, l.source_event_id)) AS false_events
FROM legit l
JOIN finding_events fe USING (source_system, source_event_id)
JOIN findings f USING (finding_id)
WHERE f.category <> 'model'
GROUP BY ALL ORDER BY 1;
