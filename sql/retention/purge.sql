-- title: delete what past_period.sql found (only with `lokivahti retention --apply`)
-- description: Runs after past_period.sql, in one transaction.
-- step: explanations
DELETE FROM explanations WHERE (run_id, record_no) IN (SELECT (run_id, record_no) FROM expired_events);
-- step: finding_events
DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM expired_findings);
-- step: findings
DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM expired_findings);
-- step: events
DELETE FROM events WHERE (source_system, source_event_id) IN (SELECT (source_system, source_event_id) FROM expired_events);
-- step: quarantine
DELETE FROM quarantine WHERE run_id IN (SELECT run_id FROM expired_quarantine_runs);
