-- title: how to read the client-sorted copy: each answer column in order, its slot in `codes`, its dictionary
-- description: Written with the copy (client_index.sql, step `layout`); read once per build and connection
--   (pipelines/disclosure/index.py). A column without a slot is a column of the copy itself; a coded one is
--   `codes[slot + 1]`, 0 meaning NULL and n the n-th value of its dictionary.
SELECT position, column_name, slot, dictionary FROM disclosure_index_layout ORDER BY position
