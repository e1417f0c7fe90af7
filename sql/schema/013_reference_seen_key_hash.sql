-- migration: 13
-- title: the reference rows the last check saw, with a hash of their content without the period
-- A retro-dated change usually moves a row's period and nothing else (an involvement starting sixty days earlier).
-- The row then touches only the days its old and new periods do not share (pipelines/checks/reference_changes.py),
-- not every day of both: key_hash, the md5 of the row's content without its period, pairs the old row with the new.
-- NULL for the tables whose rows are not paired so, and for rows remembered before this column existed that the
-- register no longer holds (those are compared as before: their whole period is touched).
ALTER TABLE reference_seen ADD COLUMN key_hash VARCHAR;
-- The rows remembered already get theirs where the involvement register still holds them (the row's hash found
-- again; written as sql/checks/_reference_changes.sql's rows_now writes both), so a store's first retro-dated
-- change after the upgrade is narrowed too.
UPDATE reference_seen SET key_hash = k.key_hash
FROM (
    SELECT DISTINCT md5(CAST(row(client_id, staff_id, unit_id, kind, valid_from, valid_to) AS VARCHAR)) AS row_hash,
        md5(CAST(row(client_id, staff_id, unit_id, kind, coalesce(valid_to < valid_from, false)) AS VARCHAR)) AS key_hash
    FROM ref_involvement
) k
WHERE reference_seen.table_name = 'involvement' AND reference_seen.row_hash = k.row_hash;
