-- migration: 4
-- title: anomaly model runs and user-day scores

CREATE TABLE IF NOT EXISTS models (
    model_id         VARCHAR PRIMARY KEY,   -- sha256 of the fitted model bytes
    trained_at       TIMESTAMPTZ NOT NULL,
    training_from    DATE,
    training_to      DATE,
    features         JSON NOT NULL,          -- ordered feature list
    params           JSON NOT NULL,          -- n_estimators, contamination, max_samples, random_state
    data_fingerprint VARCHAR NOT NULL,       -- hash of the feature matrix it was trained on
    library_versions JSON NOT NULL,
    model_blob       BLOB NOT NULL           -- the pickled estimator, so a score can be reproduced
);

CREATE TABLE IF NOT EXISTS scores (
    model_id     VARCHAR NOT NULL,
    staff_id     VARCHAR NOT NULL,
    day          DATE NOT NULL,
    score        DOUBLE NOT NULL,            -- higher = more unusual
    rank         INTEGER NOT NULL,           -- 1 = most unusual
    flagged      BOOLEAN NOT NULL,
    explanation_fi VARCHAR,
    explanation_en VARCHAR,
    drivers      JSON                        -- [{feature, value, peer_median, contribution}]
);
