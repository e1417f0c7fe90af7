-- title: what the catalogue flagged, and which legitimate accesses it explained, for `lokivahti evaluate`
-- description: Steps read by pipelines/checks/evaluate.py; nothing here is read by the checks themselves.
--   The explained share it reports is sql/findings/explained_share.sql, the measure `check` prints.

-- step: flagged_events
SELECT DISTINCT f.rule_id, fe.source_system, fe.source_event_id
FROM findings f JOIN finding_events fe USING (finding_id);

-- step: flagged_keys
SELECT DISTINCT rule_id, finding_key AS key FROM findings;
