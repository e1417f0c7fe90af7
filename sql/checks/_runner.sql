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

-- step: old_explanations_of_units
-- A partition narrowed to account-days (a retro-dated change of reference data): the stored explanations of its
-- events, with their row ids. Those events lie all over the table (the account-days are scattered over the
-- whole date range, a few per cent of it), so the table's client and date columns are read to find them (the
-- one pass over explanations a retro-dated check makes) and the keys compared for the few that match.
CREATE OR REPLACE TEMP TABLE chk_old_explained AS
SELECT rowid AS explanation_row, run_id, record_no, basis FROM explanations
WHERE (client_id, event_date) IN (SELECT DISTINCT client_id, event_date FROM chk_ctx_rows WHERE client_id IS NOT NULL)
  AND chk_event_key(run_id, record_no) IN (SELECT event_key FROM chk_ctx_rows);

-- step: old_explanations_of_dates
-- A partition of dates in an incremental check (a new day and its margin): the stored explanations of its dates,
-- with their row ids. Explanations are stored in date order, so only those dates' row groups are read. Most of
-- them come out of the re-check unchanged (the margin's days are re-examined because a window may reach them, not
-- because their verdicts usually change): only the changed ones are rewritten, and only their client-days are
-- handed to the client copy and the published snapshot, as after a retro-dated change.
CREATE OR REPLACE TEMP TABLE chk_old_explained AS
SELECT rowid AS explanation_row, run_id, record_no, basis FROM explanations
WHERE event_date IN (SELECT d FROM chk_scope_dates);

-- step: forget_changed_explanations
-- Only what changed is rewritten: the stored explanations the re-check no longer gives (gone, or of another
-- basis) are deleted by row id; storing the rest again would write what is there (explanations.sql's `explain`
-- has filled chk_explained). Both sides of the change are kept (chk_explanations_gone, chk_explanations_added)
-- for add_touched_changed, which would otherwise compare them again.
CREATE OR REPLACE TEMP TABLE chk_explanations_gone AS
SELECT o.explanation_row, o.run_id, o.record_no FROM chk_old_explained o
ANTI JOIN chk_explained n ON n.run_id = o.run_id AND n.record_no = o.record_no AND n.basis = o.basis;
DELETE FROM explanations WHERE rowid IN (SELECT explanation_row FROM chk_explanations_gone);

-- step: store_changed_explanations
CREATE OR REPLACE TEMP TABLE chk_explanations_added AS
SELECT n.* FROM chk_explained n
ANTI JOIN chk_old_explained o ON o.run_id = n.run_id AND o.record_no = n.record_no AND o.basis = n.basis;
INSERT INTO explanations SELECT * FROM chk_explanations_added;

-- step: forget_explanations_of_dates
DELETE FROM explanations WHERE $full OR event_date IN (SELECT d FROM chk_scope_dates);

-- step: store_explanations
-- a partition of dates: its explanations stored whole (explanations.sql's `explain` has chosen them)
INSERT INTO explanations SELECT * FROM chk_explained;

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

-- step: open_touched
-- the (client, day) pairs a run examined, client_id as the client-sorted copy keys it (a personal identity code
-- upper-cased), and the explained share of the run's events per source system: what the check step's duties
-- need (pipelines/steps.py), collected partition by partition so that the duties never read the whole store
CREATE OR REPLACE TEMP TABLE chk_touched (client_id VARCHAR, event_date DATE);
CREATE OR REPLACE TEMP TABLE chk_share (source_system VARCHAR, access_events BIGINT, in_findings BIGINT,
    legitimate BIGINT, explained BIGINT);

-- step: forget_touched
-- A full check hands no client-days on: its duties build the client copy afresh (pipelines/steps.py passes
-- `rebuild`) and its journal record covers the explanations whole, so no partition collects the client-days it
-- examined (a DISTINCT over every account-client-day and a pattern match per client-day: 0.46 s of a 17 s check
-- of the generated 10 M-event county). The table goes, so that nothing takes an empty list for "nothing changed":
-- an update of the client copy that finds no such table builds the copy instead (pipelines/disclosure/index.py).
DROP TABLE IF EXISTS chk_touched;

-- step: old_finding_pairs
-- A partition of an incremental check (account-days, or a new day's dates): which findings its events were in
-- before this run replaced them (finding_events is small: one row per event in a finding).
CREATE OR REPLACE TEMP TABLE chk_old_pairs AS
SELECT fe.finding_id, fe.source_system, fe.source_event_id FROM finding_events fe
SEMI JOIN chk_scope_events e ON e.source_system = fe.source_system AND e.source_event_id = fe.source_event_id;

-- step: add_touched_changed
-- A partition of an incremental check re-examines every event of its account-days or dates, but a retro-dated
-- change, or a new day, alters the result of few of those already stored: the client copy needs only the
-- client-days of the events whose basis or findings changed (their other events' rows in the copy stay what they
-- were; a new event's client-day is added by the copy's update and the snapshot's publication whatever its
-- verdict, and one with a basis or a finding is among the changed here anyway). Changed: an explanation added,
-- removed or of another basis (as the explanations were stored: chk_explanations_gone and _added), or a finding
-- the event joined or left. The findings' ids are stable (md5 of the rule and its key), so a finding that
-- persists is no change.
INSERT INTO chk_touched
WITH new_pairs AS MATERIALIZED (
    SELECT fe.source_system, fe.source_event_id, fe.finding_id FROM finding_events fe
    SEMI JOIN chk_scope_events e ON e.source_system = fe.source_system AND e.source_event_id = fe.source_event_id
), changed_explanations AS (
    -- explanations name their event by ingest run and record, findings by the source's key
    SELECT run_id, record_no FROM chk_explanations_gone
    UNION ALL
    SELECT run_id, record_no FROM chk_explanations_added
), changed_findings AS (
    SELECT source_system, source_event_id FROM (
        (SELECT source_system, source_event_id, finding_id FROM chk_old_pairs
         EXCEPT SELECT source_system, source_event_id, finding_id FROM new_pairs)
        UNION ALL
        (SELECT source_system, source_event_id, finding_id FROM new_pairs
         EXCEPT SELECT source_system, source_event_id, finding_id FROM chk_old_pairs))
), changed AS (
    SELECT c.event_row FROM chk_ctx_rows c
    SEMI JOIN changed_explanations k ON chk_event_key(k.run_id, k.record_no) = c.event_key
    UNION ALL
    SELECT e.event_row FROM chk_scope_events e
    SEMI JOIN changed_findings k ON k.source_system = e.source_system AND k.source_event_id = e.source_event_id
)
SELECT DISTINCT CASE WHEN regexp_full_match(client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
                     THEN upper(client_id) ELSE client_id END, event_date
FROM chk_ctx_rows c SEMI JOIN changed k ON k.event_row = c.event_row
WHERE c.client_id IS NOT NULL;

-- step: add_share
-- sql/findings/explained_share.sql without labels, over the partition's events only: an access event is explained
-- when it has an explanation and is in no rule finding; legitimate = in no rule finding. Counted in one pass over
-- the partition's events from what the partition's explanations step chose (chk_event_basis: each event's flag and
-- basis, the view chk_explained stores from) rather than by reading the stored explanations back. Read after the
-- partition's commit, it reads temp tables only (chk_ctx_rows, chk_flagged_rows), never `events` by row id.
INSERT INTO chk_share
SELECT source_system, access_events, in_findings, access_events - in_findings, explained
FROM (
    SELECT source_system, count(*) AS access_events, count(*) FILTER (WHERE flagged) AS in_findings,
        count(basis) AS explained
    FROM chk_event_basis WHERE is_access GROUP BY ALL
);

-- step: share
SELECT source_system, CAST(sum(access_events) AS BIGINT) AS access_events,
    CAST(sum(in_findings) AS BIGINT) AS in_findings, CAST(sum(legitimate) AS BIGINT) AS legitimate,
    CAST(sum(explained) AS BIGINT) AS explained,
    CASE WHEN sum(legitimate) = 0 THEN NULL ELSE sum(explained) / sum(legitimate) END AS explained_share
FROM chk_share GROUP BY ALL ORDER BY 1;

-- step: previous_check_run
SELECT max(check_run_id) FROM check_runs WHERE check_run_id < $run_id;
