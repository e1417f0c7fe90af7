-- title: do the event summaries still add up to the events? (pipelines/checks/summaries.py)
-- description: The summaries are kept at ingest; anything that deletes or writes events otherwise (a retention
--   purge, a tool writing events directly) leaves them short or long. Comparing totals costs a count of the
--   events (row-group metadata) and a sum over each summary, never a scan of the events' columns.

-- step: totals
SELECT (SELECT count(*) FROM events) AS events,
    (SELECT coalesce(sum(events), 0) FROM source_day_counts) AS source_days,
    (SELECT coalesce(sum(events), 0) FROM account_client_days) AS account_days;

-- step: runs
-- The run range to re-summarise: every run that has events.
SELECT coalesce(min(run_id), 0), coalesce(max(run_id), -1) FROM events;

-- step: forget_all
DELETE FROM source_day_counts;

-- step: forget_all_account_days
DELETE FROM account_client_days;

