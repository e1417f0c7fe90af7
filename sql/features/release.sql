-- title: release the feature SQL's intermediate tables once the user-day frame has been read
-- description: The per user-day-client and window tables are the bulk of what the feature SQL holds
--   (at ten million events, hundreds of MB of DuckDB's memory_limit); nothing after build_features reads them,
--   so they are dropped before the normalisation and the forest run in Python. feature_user_day,
--   feature_peer_of_day, feature_account_staff (the findings' events) and the small reference tables stay. The
--   pass's rows, the person-client pairs and the per user-day-client flags are dropped earlier, by 001_user_day.sql
--   itself, once their last reader has run.
DROP TABLE IF EXISTS feature_client_numbers;
DROP TABLE IF EXISTS feature_covering;
DROP TABLE IF EXISTS feature_unaffine;
DROP TABLE IF EXISTS feature_uncovered_spans;
DROP TABLE IF EXISTS feature_week;
DROP TABLE IF EXISTS feature_client_summary;
DROP TABLE IF EXISTS feature_new_clients;
DROP TABLE IF EXISTS feature_client_units;
DROP TABLE IF EXISTS feature_staff_day;
