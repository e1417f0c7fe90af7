-- title: the events one partition of a check run examines (pipelines/checks/partitions.py)
-- description: chk_scope_events is what sql/checks/_access_context.sql reads instead of every event: the
--   events of the partition's dates (chk_scope_dates), or, when a retro-dated change of reference data narrowed
--   the run to account-days (chk_scope_units), only the events of those account-days. A whole account-day is
--   always re-examined together, because the mass-access and duplicate windows never leave one. A view, not a
--   copy: the context reads it for the key columns, the disclosures and its one materialisation (chk_ctx_rows,
--   which keeps each event's row id, event_row, to fetch the wide columns of a rule's hits late), and
--   each read costs only the partition's events, because events are stored in date order (ingest inserts
--   each file's events so, and log files arrive so) and DuckDB prunes every row group outside the partition's
--   dates (the join's dynamic filter on event_date meets the row groups' zone maps). On a store whose events
--   were ingested out of date order a read costs a scan of the event_date column and of the row groups holding
--   the partition's dates.
--   The plan steps size the partitions from the event summaries kept at ingest
--   (sql/schema/010_event_summaries.sql), without reading the events.
--   The runner runs `dates`, `scope_units`, then `scope_events_by_dates`, or `scope_rowids_by_units`,
--   `scope_rows_by_units` and `scope_events_by_units`.

-- step: dates
CREATE OR REPLACE TEMP TABLE chk_scope_dates AS SELECT d FROM partition_dates;

-- step: plan_all
-- Events per date, every date with events.
SELECT event_date, CAST(sum(events) AS BIGINT) FROM source_day_counts GROUP BY 1 HAVING sum(events) > 0 ORDER BY 1;

-- step: plan_dates
-- Events per wanted date (the registered frame `wanted`), 0 for a date without events.
SELECT w.d, CAST(coalesce(sum(c.events), 0) AS BIGINT) FROM wanted w LEFT JOIN source_day_counts c ON c.event_date = w.d
GROUP BY 1 ORDER BY 1;

-- step: plan_units
-- Events per date of the account-days in chk_scope_units.
SELECT s.event_date, CAST(sum(s.events) AS BIGINT) FROM account_client_days s
SEMI JOIN chk_scope_units u
  ON u.source_system = s.source_system AND u.account IS NOT DISTINCT FROM s.account AND u.event_date = s.event_date
GROUP BY 1 HAVING sum(s.events) > 0 ORDER BY 1;

-- step: scope_units
CREATE TEMP TABLE IF NOT EXISTS chk_scope_units (source_system VARCHAR, account VARCHAR, event_date DATE);

-- step: scope_events_by_dates
CREATE OR REPLACE TEMP VIEW chk_scope_events AS
SELECT e.rowid AS event_row, e.* FROM events e SEMI JOIN chk_scope_dates s ON s.d = e.event_date;

-- step: scope_rowids_by_units
-- The row ids of the events of the partition's account-days, found by reading the three key columns only.
-- Those account-days lie scattered over the whole date range (a retro-dated change touches a few accounts on
-- every day a client was seen), so no row group can be skipped by date, and a semi join that carried every
-- column the context reads would decompress them for every event of those dates.
CREATE OR REPLACE TEMP TABLE chk_scope_rowids AS
SELECT e.rowid AS event_row FROM events e
SEMI JOIN chk_scope_units u
  ON u.event_date = e.event_date AND u.source_system = e.source_system AND u.account IS NOT DISTINCT FROM e.account
WHERE e.event_date IN (SELECT d FROM chk_scope_dates);

-- step: scope_rows_by_units
-- The account-days' events fetched once by row id (a join filter on the row id, applied while the scan reads):
-- the context reads the partition's events several times (its keys, the permission combinations, its one
-- materialisation, the log rules), and a scattered few per cent of a 100 M-event store cost a pass over it each
-- time they were read through the row ids. The columns no rule reads are left out (the original record, the
-- Helsinki time, session, search criteria and record count): a rule that comes to read one adds it here. The run
-- and record number are the explanations' key (sql/schema/015_explanations_by_record.sql).
CREATE OR REPLACE TEMP TABLE chk_scope_event_rows AS
SELECT e.rowid AS event_row, e.* EXCLUDE (raw, event_local, session_id, search_criteria, record_count)
FROM events e WHERE e.rowid IN (SELECT event_row FROM chk_scope_rowids);

-- step: scope_events_by_units
CREATE OR REPLACE TEMP VIEW chk_scope_events AS SELECT * FROM chk_scope_event_rows;
