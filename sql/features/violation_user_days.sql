-- title: the user-days of labelled rule violations and near misses (pipelines/scoring/evaluate.py)
-- description: Reads the registered relation eval_violation_events (source_system, source_event_id) and
--   feature_account_staff (001_user_day.sql); those days are no negatives for the model's evaluation.
SELECT DISTINCT a.staff_id, e.event_date AS day FROM eval_violation_events v
JOIN events e ON e.source_system = v.source_system AND e.source_event_id = v.source_event_id
JOIN feature_account_staff a ON a.source_system = e.source_system AND a.account = e.account
