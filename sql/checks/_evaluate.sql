-- title: what the catalogue flagged, and which legitimate accesses it explained, for `lokivahti evaluate`
-- description: Steps read by pipelines/checks/evaluate.py. `labels` is the generator's event_labels.csv
--   (registered as a frame); nothing here is read by the checks themselves.

-- step: flagged_events
SELECT DISTINCT f.rule_id, fe.source_system, fe.source_event_id
FROM findings f JOIN finding_events fe USING (finding_id);

-- step: flagged_keys
SELECT DISTINCT rule_id, finding_key AS key FROM findings;

-- step: explained_share
-- Legitimate accesses: access events that no label marks as a violation. Explained = has an explanation
-- row and is in no rule finding. The anomaly model's findings (rule_id model_anomaly) do not count: they
-- are leads for review that attach every event of an unusual day, explained or not, not a rule's verdict;
-- nor do findings about the log's content (log_completeness), which say nothing of the access's lawfulness.
WITH acc AS (
    SELECT source_system, source_event_id FROM events
    WHERE client_id IS NOT NULL AND action <> 'other' AND coalesce(outcome, 'success') = 'success'
), legit AS (
    SELECT a.* FROM acc a
    ANTI JOIN (SELECT DISTINCT source_system, source_event_id FROM labels WHERE kind = 'violation') v
        USING (source_system, source_event_id)
)
SELECT l.source_system, count(*) AS legitimate,
    count(*) FILTER (WHERE x.source_event_id IS NOT NULL AND f.source_event_id IS NULL) AS explained
FROM legit l
LEFT JOIN (SELECT DISTINCT source_system, source_event_id FROM explanations) x USING (source_system, source_event_id)
LEFT JOIN (SELECT DISTINCT fe.source_system, fe.source_event_id FROM finding_events fe
           JOIN findings fi USING (finding_id) WHERE fi.category NOT IN ('model', 'log_completeness')) f
    USING (source_system, source_event_id)
GROUP BY ALL ORDER BY 1;

-- step: false_findings
-- Per rule: the legitimate accesses (no violation label of any rule) that the rule put in a finding. The
-- evaluation prints them per 10,000 legitimate accesses; the target is 0 for every rule.
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
WHERE f.rule_id <> 'model_anomaly'
GROUP BY ALL ORDER BY 1;
