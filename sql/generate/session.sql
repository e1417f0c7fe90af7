-- title: the settings and variables of the vectorised generator's scratch database (pipelines/generate/vectorised.py)
-- description: Run step by step with the county's size and seed bound; sql/generate/county.sql and
--   events.sql read the variables with getvariable(). Rows keep the query's order, so the CSV files do.
-- step: preserve_order
SET preserve_insertion_order = true
-- step: no_progress_bar
SET enable_progress_bar = false
-- step: memory_limit
SET memory_limit = $memory_limit
-- step: gen_seed
SET VARIABLE gen_seed = $gen_seed
-- step: gen_start
SET VARIABLE gen_start = $gen_start
-- step: gen_end
SET VARIABLE gen_end = $gen_end
-- step: gen_staff_scale
SET VARIABLE gen_staff_scale = $gen_staff_scale
-- step: gen_client_scale
SET VARIABLE gen_client_scale = $gen_client_scale
-- step: gen_visits
SET VARIABLE gen_visits = $gen_visits
-- step: gen_reads
SET VARIABLE gen_reads = $gen_reads
-- step: gen_stray
SET VARIABLE gen_stray = $gen_stray
