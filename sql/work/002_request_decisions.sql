-- title: a professional's decision on a request held for decision (work store, SQLite)
-- description: Applied by pipelines/disclosure/register.py when the columns are missing (SQLite has no
--   ADD COLUMN IF NOT EXISTS). A request held because a minor forbids disclosure to guardians or because
--   the client has died waits for a professional: `release` (e.g. the prohibition is clearly against the
--   child's interest, 812/2000 11 § 3 mom) or `refuse` (a written decision with appeal instructions).
ALTER TABLE requests ADD COLUMN professional_decision TEXT;   -- release, refuse
ALTER TABLE requests ADD COLUMN professional_by TEXT;
ALTER TABLE requests ADD COLUMN professional_reason TEXT;
