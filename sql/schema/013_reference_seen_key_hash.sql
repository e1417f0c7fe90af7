-- migration: 13
-- title: the reference rows the last check saw, with a hash of their content without the period
-- A retro-dated change usually moves a row's period and nothing else (an involvement starting sixty days earlier).
-- The row then touches only the days its old and new periods do not share (pipelines/checks/reference_changes.py),
-- not every day of both: key_hash, the md5 of the row's content without its period, pairs the old row with the new.
-- NULL for the tables whose rows are not paired so, and for rows remembered before this column existed (those are
-- compared as before: their whole period is touched).
ALTER TABLE reference_seen ADD COLUMN key_hash VARCHAR;
