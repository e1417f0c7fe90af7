-- title: Europe/Helsinki wall-clock time <-> UTC, by the EU summer-time rule (in force since 1996)
-- description: Summer time (EEST, UTC+3) runs from the last Sunday of March 01:00 UTC to the last
--   Sunday of October 01:00 UTC; otherwise EET (UTC+2). In local time the spring hour 03:00-03:59
--   does not exist and the autumn hour 03:00-03:59 occurs twice. Documented rule (docs/time.md):
--   an ambiguous time is the first pass (EEST) unless the file steps back inside that hour, which
--   marks the second pass (EET); a non-existent time is read with the offset in force before the
--   jump (UTC+2), as Python's zoneinfo does for fold=0, and flagged. tests/test_time.py compares
--   these macros with zoneinfo hour by hour.

CREATE OR REPLACE MACRO hki_last_sunday(y, m) AS
    last_day(make_date(y, m, 1)) - CAST(dayofweek(last_day(make_date(y, m, 1))) AS INTEGER);

CREATE OR REPLACE MACRO hki_local_kind(l) AS
    CASE
        WHEN l >= hki_last_sunday(year(l), 3) + INTERVAL 3 HOUR
         AND l <  hki_last_sunday(year(l), 3) + INTERVAL 4 HOUR THEN 'nonexistent'
        WHEN l >= hki_last_sunday(year(l), 10) + INTERVAL 3 HOUR
         AND l <  hki_last_sunday(year(l), 10) + INTERVAL 4 HOUR THEN 'ambiguous'
        WHEN l >= hki_last_sunday(year(l), 3) + INTERVAL 4 HOUR
         AND l <  hki_last_sunday(year(l), 10) + INTERVAL 3 HOUR THEN 'summer'
        ELSE 'winter'
    END;

CREATE OR REPLACE MACRO hki_local_to_utc(l, second_pass) AS
    CAST(l - CASE hki_local_kind(l)
                 WHEN 'summer' THEN INTERVAL 3 HOUR
                 WHEN 'ambiguous' THEN CASE WHEN second_pass THEN INTERVAL 2 HOUR ELSE INTERVAL 3 HOUR END
                 ELSE INTERVAL 2 HOUR
             END AS TIMESTAMPTZ);

CREATE OR REPLACE MACRO hki_utc_to_local(t) AS
    CAST(t AS TIMESTAMP) + CASE
        WHEN CAST(t AS TIMESTAMP) >= hki_last_sunday(year(CAST(t AS TIMESTAMP)), 3) + INTERVAL 1 HOUR
         AND CAST(t AS TIMESTAMP) <  hki_last_sunday(year(CAST(t AS TIMESTAMP)), 10) + INTERVAL 1 HOUR
        THEN INTERVAL 3 HOUR ELSE INTERVAL 2 HOUR END;
