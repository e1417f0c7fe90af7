-- title: the one findings writer: replace the findings of what was checked with those in chk_found
-- description: Used by the rule catalogue (pipelines/checks/runner.py) and the anomaly model
--   (pipelines/scoring/run.py) alike. Reads chk_found (findings/found.sql), the registered relation
--   `rule_meta` (rule_id, category, severity, rule_scope of the members of the catalogue that ran) and
--   chk_scope_dates (the dates checked), chk_scope_units (with $by_units). Parameters: $full (everything
--   was checked), $by_units, $now.
--   A finding's id is md5(rule_id || '|' || finding_key), so a finding that persists keeps its id (and the
--   review status the work store keeps by that id) and its first_seen_at.

-- step: rules
CREATE OR REPLACE TEMP TABLE chk_rules AS SELECT rule_id, category, severity, rule_scope FROM rule_meta;

-- step: replaced
-- What this run answers for: every finding of a rule that ran, on a checked date (or all of them, for a
-- full check and for members recomputed whole every run). With $by_units, only the account-days of
-- chk_scope_units within those dates were checked (a reference change touches some accounts only).
CREATE OR REPLACE TEMP TABLE chk_replaced AS
SELECT f.finding_id, f.first_seen_at FROM findings f JOIN chk_rules r USING (rule_id)
WHERE $full OR r.rule_scope = 'full' OR (f.event_date IN (SELECT d FROM chk_scope_dates)
    AND (NOT $by_units OR EXISTS (SELECT 1 FROM chk_scope_units u WHERE u.event_date = f.event_date
        AND u.source_system IS NOT DISTINCT FROM f.source_system AND u.account IS NOT DISTINCT FROM f.account)));

-- step: new
CREATE OR REPLACE TEMP TABLE chk_new AS
SELECT md5(f.rule_id || '|' || f.finding_key) AS finding_id, f.* EXCLUDE (severity), r.category,
    coalesce(f.severity, r.severity) AS severity
FROM chk_found f JOIN chk_rules r USING (rule_id)
QUALIFY row_number() OVER (PARTITION BY md5(f.rule_id || '|' || f.finding_key)) = 1;

-- step: delete_replaced_events
DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_replaced);

-- step: delete_replaced
DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_replaced);

-- step: clash
-- A finding of an out-of-scope date may still share an id with a new one (a window moved): replace it too.
CREATE OR REPLACE TEMP TABLE chk_clash AS
SELECT finding_id, first_seen_at FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_new);

-- step: remember_clash
INSERT INTO chk_replaced SELECT * FROM chk_clash;

-- step: delete_clash_events
DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_clash);

-- step: delete_clash
DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_clash);

-- step: insert_findings
INSERT INTO findings
SELECT n.finding_id, n.rule_id, n.category, n.severity, n.finding_key, n.source_system, n.account, n.staff_id,
    n.client_id, n.organisation_id, n.unit_id, n.first_time, n.last_time, n.event_date, len(n.events),
    n.evidence, 'new', coalesce(o.first_seen_at, CAST($now AS TIMESTAMPTZ)), CAST($now AS TIMESTAMPTZ)
FROM chk_new n
LEFT JOIN (SELECT finding_id, min(first_seen_at) AS first_seen_at FROM chk_replaced GROUP BY ALL) o
    USING (finding_id);

-- step: insert_events
INSERT INTO finding_events
SELECT DISTINCT finding_id, e.source_system, e.source_event_id
FROM (SELECT finding_id, unnest(events) AS e FROM chk_new);
