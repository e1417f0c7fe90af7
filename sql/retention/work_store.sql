-- title: the work store's own retention (SQLite): requests and reviews each by their own period
-- description: Parameters :requests_cutoff and :reviews_cutoff are the first day still kept (YYYY-MM-DD,
--   computed by pipelines/retention.py from the end of the year). A request is counted from its delivery,
--   or its receipt when never delivered; a review row from when it was written. `count_` steps report,
--   `delete_` steps purge (only with --apply).
-- step: count_requests
SELECT count(*), min(received_on) FROM requests WHERE coalesce(delivered_on, received_on) < :requests_cutoff;
-- step: count_reviews
SELECT count(*), min(substr(at, 1, 10)) FROM review_log WHERE substr(at, 1, 10) < :reviews_cutoff;
-- step: delete_requests
DELETE FROM requests WHERE coalesce(delivered_on, received_on) < :requests_cutoff;
-- step: delete_reviews
DELETE FROM review_log WHERE substr(at, 1, 10) < :reviews_cutoff;
