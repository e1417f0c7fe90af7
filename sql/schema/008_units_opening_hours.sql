-- migration: 8
-- title: units carry their opening hours (optional)
-- A unit open round the clock (a social emergency unit, a residential home) works evenings, nights and
-- public holidays as ordinary hours; the anomaly model measures "out of hours" against each unit's own hours.
-- units.csv `opening_hours`: empty = the configured working hours on working days; `24/7`; `HH:MM-HH:MM`
-- (working days); `HH:MM-HH:MM daily` (every day, weekends and public holidays too). docs/formats.md.
ALTER TABLE ref_units ADD COLUMN IF NOT EXISTS opening_hours VARCHAR;
