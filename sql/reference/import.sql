-- title: the bookkeeping of a reference-data import, read by pipelines/reference.py
-- description: One import id per folder imported; its rejected lines and its totals are written in the
--   same transaction as the tables it replaces.
-- step: next_import_id
SELECT coalesce(max(import_id), 0) + 1 FROM reference_imports
-- step: add_reject
INSERT INTO reference_rejects VALUES (?, ?, ?, ?, ?)
-- step: add_import
INSERT INTO reference_imports VALUES (?, ?, ?, ?, ?, ?)
