-- title: the events one partition of a check run examines (pipelines/checks/partitions.py)
-- description: chk_scope_events is what sql/checks/_access_context.sql reads instead of every event: the
--   events of the partition's dates (chk_scope_dates), or, when a retro-dated change of reference data narrowed
--   the run to account-days (chk_scope_units), only the events of those account-days. A whole account-day is
--   always re-examined together, because the mass-access and duplicate windows never leave one. A table, not a
--   view: the context reads it three times, and a view would filter the whole events table each time, so a
--   partition's cost would grow with the store (its dates are spread over every row group when events arrive
--   out of date order).
--   The runner runs `scope_units`, then one of the two view steps.

-- step: scope_units
CREATE TEMP TABLE IF NOT EXISTS chk_scope_units (source_system VARCHAR, account VARCHAR, event_date DATE);

-- step: scope_events_by_dates
CREATE OR REPLACE TEMP TABLE chk_scope_events AS
SELECT e.* FROM events e SEMI JOIN chk_scope_dates s ON s.d = e.event_date;

-- step: scope_events_by_units
CREATE OR REPLACE TEMP TABLE chk_scope_events AS
SELECT e.* FROM events e
SEMI JOIN chk_scope_units u
  ON u.event_date = e.event_date AND u.source_system = e.source_system AND u.account IS NOT DISTINCT FROM e.account
WHERE e.event_date IN (SELECT d FROM chk_scope_dates);
