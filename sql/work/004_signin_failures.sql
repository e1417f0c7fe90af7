-- title: failed sign-ins per user name, for backoff and lock-out (work store, SQLite; pipelines/signin.py)
-- description: Shared by every dashboard process. A successful sign-in deletes the name's rows; old rows
--   only matter inside the window and lock-out period. The own use log keeps the history.
CREATE TABLE IF NOT EXISTS signin_failures (
    user_key TEXT NOT NULL,   -- the user name as typed, case-folded
    at       TEXT NOT NULL    -- ISO 8601 UTC
);
CREATE INDEX IF NOT EXISTS signin_failures_user ON signin_failures (user_key, at);
