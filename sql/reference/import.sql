-- title: the bookkeeping of a reference-data import, read by pipelines/reference.py
-- description: One import id per folder imported; its rejected lines and its totals are written in the
--   same transaction as the tables it replaces.
-- step: clear
-- every reference table of the contract (pipelines/reference.py CONTRACT): an import replaces the whole snapshot,
-- and a file left out of the folder leaves its table empty
DELETE FROM ref_organisations;
DELETE FROM ref_units;
DELETE FROM ref_staff;
DELETE FROM ref_accounts;
DELETE FROM ref_role_permissions;
DELETE FROM ref_involvement;
DELETE FROM ref_provider_authorisations;
DELETE FROM ref_clients;
DELETE FROM ref_disclosure_prohibitions;
DELETE FROM ref_disclosure_permissions;
-- step: next_import_id
SELECT coalesce(max(import_id), 0) + 1 FROM reference_imports
-- step: add_reject
INSERT INTO reference_rejects VALUES (?, ?, ?, ?, ?)
-- step: add_import
INSERT INTO reference_imports VALUES (?, ?, ?, ?, ?, ?)
