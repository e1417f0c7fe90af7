-- title: the id of the next check run
SELECT coalesce(max(check_run_id), 0) + 1 FROM check_runs;
