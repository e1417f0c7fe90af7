-- title: the small statements around the feature SQL: reference inputs, the catalogue read back
-- description: Named steps run one at a time by pipelines/scoring/features.py (sqlfiles.statement), so the
--   Python holds no SQL. The opening hours and the public holidays are computed in Python (hours.py, the
--   `holidays` package) and written into the temp tables 001_user_day.sql joins.

-- step: ref_unit_columns
SELECT column_name FROM (DESCRIBE ref_units);

-- step: unit_hours_rows
SELECT unit_id, opening_hours FROM ref_units;

-- step: unit_hours_table
CREATE OR REPLACE TEMP TABLE feature_unit_hours
    (unit_id VARCHAR PRIMARY KEY, open_from INTEGER, open_to INTEGER, every_day BOOLEAN);

-- step: unit_hours_insert
INSERT INTO feature_unit_hours VALUES (?, ?, ?, ?);

-- step: day_range
SELECT min(day), max(day) FROM feature_day_clients;

-- step: holidays_table
CREATE OR REPLACE TEMP TABLE feature_holidays (day DATE PRIMARY KEY);

-- step: holidays_insert
INSERT INTO feature_holidays SELECT unnest(CAST($days AS DATE[]));

-- step: catalogue
SELECT feature, floor, own, aspect, day_context FROM feature_catalogue ORDER BY ord;

-- step: aspect_weights
SELECT aspect, weight FROM feature_aspects ORDER BY ord;

-- step: return_freed_memory
-- DuckDB's allocator keeps the memory of dropped tables and finished queries mapped until something purges
-- it; without a purging thread the feature SQL's working set (about 1.3 GB at ten million events) stays in the
-- process while the normalisation and the forest run beside it, and the two peaks add up. A background thread
-- returns freed pages to the system within a second or so (an allocator setting: no result changes).
SET allocator_background_threads = true;
