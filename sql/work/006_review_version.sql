-- title: a version number per finding's review history (optimistic concurrency in the dashboard)
-- description: Applied by pipelines/workstore.py when the column is missing. Two people may open one finding
--   at the same time; each saves "on top of" the version they saw. The unique index lets only one of them
--   write version n+1, so the second learns who changed the finding, and when, instead of silently
--   overwriting it (review status flows into client letters). Rows written before this migration are numbered
--   in the order they were written.
ALTER TABLE review_log ADD COLUMN version INTEGER;
UPDATE review_log SET version = (SELECT count(*) FROM review_log r2
                                 WHERE r2.finding_id = review_log.finding_id AND r2.id <= review_log.id);
CREATE UNIQUE INDEX IF NOT EXISTS review_log_version ON review_log (finding_id, version);
