-- title: the model's findings before re-scoring: what the reviews refer to (pipelines/scoring/triage.py)
SELECT finding_id, staff_id, CAST(evidence AS VARCHAR) AS evidence FROM findings WHERE rule_id = 'model_anomaly'
