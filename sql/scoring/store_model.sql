-- title: write one scoring run: the model record, the scores, and the cases for the findings writer
-- description: Reads the registered relations scores_new (model_id, staff_id, day, score, rank, flagged,
--   explanation_fi, explanation_en, drivers), cases_new and case_days_new (pipelines/scoring/run.py). The
--   scores table holds the latest model's ranking only; older model records stay in `models` for
--   reproducibility. The cases are left in the temp tables model_cases and model_case_days, which
--   sql/features/003_model_findings.sql turns into findings.
--   Parameters: $model_id, $trained_at, $training_from, $training_to, $features, $params, $data_fingerprint,
--   $library_versions, $blob.

-- step: delete_model
DELETE FROM models WHERE model_id = $model_id;

-- step: insert_model
INSERT INTO models VALUES ($model_id, $trained_at, $training_from, $training_to, $features, $params,
    $data_fingerprint, $library_versions, $blob);

-- step: delete_scores
DELETE FROM scores;

-- step: insert_scores
INSERT INTO scores
SELECT model_id, staff_id, day, score, rank, flagged, explanation_fi, explanation_en, CAST(drivers AS JSON)
FROM scores_new;

-- step: cases
CREATE OR REPLACE TEMP TABLE model_cases AS SELECT * FROM cases_new;

-- step: case_days
CREATE OR REPLACE TEMP TABLE model_case_days AS SELECT * FROM case_days_new;
