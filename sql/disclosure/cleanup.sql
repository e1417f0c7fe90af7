-- title: what a live (unindexed) answer leaves behind, dropped once its rows are read
-- step: rows_table
DROP TABLE IF EXISTS disclosure_rows
