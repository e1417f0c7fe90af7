-- title: a check run's record: its scope and what the findings table holds after it; returns findings_total
-- description: A run whose scope is `none` (nothing new since the last check) is recorded too, so the
--   dashboard and `status` can tell a store that was checked from one that was not.
INSERT INTO check_runs (check_run_id, started_at, finished_at, scope, reference_fingerprint, max_ingest_run_id,
    findings_total, findings_new)
VALUES ($check_run_id, $started_at, $finished_at, $scope, $reference_fingerprint, $max_ingest_run_id,
    (SELECT count(*) FROM findings), $findings_new)
RETURNING findings_total;
