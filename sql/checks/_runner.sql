-- title: the check runner's own statements (pipelines/checks/runner.py)
-- description: Everything the runner does around the rules: the holiday calendar the silent-source rule
--   reads, running one rule into chk_found, replacing the explanations of what a partition re-examined, and a
--   full check's removal of results for dates that no longer have events. Dates come from the event summaries
--   kept at ingest (sql/schema/010_event_summaries.sql), not from the events.

-- step: event_span
SELECT min(event_date), max(event_date) FROM source_day_counts;

-- step: event_dates
SELECT DISTINCT event_date FROM source_day_counts ORDER BY 1;

-- step: holidays
-- The registered frame `holiday_days`: Finnish public holidays over the years the events span.
CREATE OR REPLACE TEMP TABLE chk_holidays AS SELECT day FROM holiday_days;

-- step: run_rule
-- One rule's SELECT (its file's SQL) is placed at the rule marker below; every rule returns chk_found's columns.
INSERT INTO chk_found BY NAME SELECT $rule_id AS rule_id, q.* FROM (
/*rule*/
) q;

-- step: forget_explanations_of_units
DELETE FROM explanations WHERE event_date IN (SELECT d FROM chk_scope_dates)
AND (source_system, source_event_id) IN (SELECT source_system, source_event_id FROM chk_ctx);

-- step: forget_explanations_of_dates
DELETE FROM explanations WHERE $full OR event_date IN (SELECT d FROM chk_scope_dates);

-- step: vanished_dates
-- A full check replaces everything: findings and explanations of dates without events any more (a retention
-- run removed them) are visited by no partition, so they go first. `event_rules`: the registered rule ids.
CREATE OR REPLACE TEMP TABLE chk_event_dates AS SELECT DISTINCT event_date FROM source_day_counts;

-- step: vanished_findings
CREATE OR REPLACE TEMP TABLE chk_vanished AS SELECT finding_id FROM findings
WHERE rule_id IN (SELECT rule_id FROM event_rules)
  AND (event_date IS NULL OR event_date NOT IN (SELECT event_date FROM chk_event_dates));

-- step: forget_vanished_finding_events
DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_vanished);

-- step: forget_vanished_findings
DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_vanished);

-- step: forget_vanished_explanations
DELETE FROM explanations WHERE event_date NOT IN (SELECT event_date FROM chk_event_dates);
