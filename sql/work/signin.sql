-- title: failed sign-ins (SQLite work store), one `-- step:` each, read by pipelines/signin.py
-- description: user_key is the casefolded user name; `at` is ISO 8601 UTC, so text order is time order.
-- step: recent_failures
SELECT at FROM signin_failures WHERE user_key = ? AND at > ? ORDER BY at
-- step: add_failure
INSERT INTO signin_failures (user_key, at) VALUES (?, ?)
-- step: forget_failures
DELETE FROM signin_failures WHERE user_key = ?
