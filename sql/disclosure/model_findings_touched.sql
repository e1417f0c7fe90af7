-- title: the client-days whose model findings a scoring run changed, for the client-sorted copy's update
-- description: The copy (client_index.sql) lists with each event the ids of the findings that question it, the
--   anomaly model's cases among them (all_rows.sql keeps every category but data quality and log completeness).
--   A scoring run replaces the model's findings, so the score step (pipelines/steps.py) remembers the model
--   findings' events before it (`before`), and afterwards replaces in the copy just the client-days of the events
--   whose model findings differ (`touched`: in one set of (finding, event) pairs and not the other), as the check
--   step does with the client-days it examined. A re-score that finds the same cases touches nothing.

-- step: before
CREATE OR REPLACE TEMP TABLE score_model_events_before AS
SELECT fe.finding_id, fe.source_system, fe.source_event_id
FROM finding_events fe JOIN findings f ON f.finding_id = fe.finding_id
WHERE f.category = 'model';

-- step: touched
-- client_id as the copy keys it (a personal identity code upper-cased, as all_rows.sql does)
CREATE OR REPLACE TEMP TABLE score_touched_days AS
WITH now_events AS (
    SELECT fe.finding_id, fe.source_system, fe.source_event_id
    FROM finding_events fe JOIN findings f ON f.finding_id = fe.finding_id
    WHERE f.category = 'model'
), changed AS (
    (SELECT * FROM now_events EXCEPT SELECT * FROM score_model_events_before)
    UNION
    (SELECT * FROM score_model_events_before EXCEPT SELECT * FROM now_events)
)
SELECT DISTINCT CASE WHEN regexp_full_match(e.client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
                     THEN upper(e.client_id) ELSE e.client_id END AS client_id,
       e.event_date
FROM events e SEMI JOIN changed c ON c.source_system = e.source_system AND c.source_event_id = e.source_event_id
WHERE e.client_id IS NOT NULL;

-- step: touched_count
SELECT count(*) FROM score_touched_days;

-- step: latest_check_run
SELECT max(check_run_id) FROM check_runs;
