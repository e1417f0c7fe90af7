-- title: Europe/Helsinki wall-clock time <-> UTC, by the EU summer-time rule (in force since 1996)
-- description: Summer time (EEST, UTC+3) runs from the last Sunday of March 01:00 UTC to the last
--   Sunday of October 01:00 UTC; otherwise EET (UTC+2). In local time the spring hour 03:00-03:59
--   does not exist and the autumn hour 03:00-03:59 occurs twice. Documented rule (docs/time.md):
--   an ambiguous time is the first pass (EEST) unless the file steps back inside that hour, which
--   marks the second pass (EET); a non-existent time is read with the offset in force before the
--   jump (UTC+2), as Python's zoneinfo does for fold=0, and flagged. tests/test_time.py compares
--   these macros with zoneinfo hour by hour.
--   Every event of every ingest passes through these macros, so they work on microseconds since 1970 in
--   integers (epoch_us, make_timestamp, make_timestamptz) and find the two Sundays by arithmetic. The
--   calendar forms (make_date, last_day, a cast between TIMESTAMP and TIMESTAMPTZ, a TIMESTAMPTZ plus an
--   INTERVAL) go through the ICU calendar row by row and cost about six times as much: 10 M events took
--   ~5 s of wall time on two cores in the three macros, more than a bare copy of the events table.

-- Days from 1970-01-01 to day `doy` of the March-based year y (0 = 1 March, 30 = 31 March, 244 = 31 October):
-- H. Hinnant's days_from_civil, for any year from 0 on.
CREATE OR REPLACE MACRO hki_days(y, doy) AS
    (y // 400) * 146097 + (y - (y // 400) * 400) * 365 + (y - (y // 400) * 400) // 4
        - (y - (y // 400) * 400) // 100 + doy - 719468;

-- Midnight (00:00, microseconds since 1970) of the last Sunday on or before that day; 1970-01-01 was a Thursday.
CREATE OR REPLACE MACRO hki_sunday_us(y, doy) AS
    (hki_days(y, doy) - (((hki_days(y, doy) + 4) % 7) + 7) % 7) * 86400000000;

-- hki_sunday_us(y, 30): the last Sunday of March; hki_sunday_us(y, 244): the last Sunday of October.
-- 10800000000 µs = 03:00, 14400000000 µs = 04:00 (local), 3600000000 µs = 01:00 (UTC).
CREATE OR REPLACE MACRO hki_local_kind(l) AS
    CASE
        WHEN epoch_us(l) - hki_sunday_us(year(l), 30) >= 10800000000
         AND epoch_us(l) - hki_sunday_us(year(l), 30) < 14400000000 THEN 'nonexistent'
        WHEN epoch_us(l) - hki_sunday_us(year(l), 244) >= 10800000000
         AND epoch_us(l) - hki_sunday_us(year(l), 244) < 14400000000 THEN 'ambiguous'
        WHEN epoch_us(l) - hki_sunday_us(year(l), 30) >= 14400000000
         AND epoch_us(l) - hki_sunday_us(year(l), 244) < 10800000000 THEN 'summer'
        ELSE 'winter'
    END;

CREATE OR REPLACE MACRO hki_local_to_utc(l, second_pass) AS
    make_timestamptz(epoch_us(l) - CASE hki_local_kind(l)
                                       WHEN 'summer' THEN 10800000000
                                       WHEN 'ambiguous' THEN CASE WHEN second_pass THEN 7200000000 ELSE 10800000000 END
                                       ELSE 7200000000
                                   END);

-- The year of the UTC instant decides the Sundays (both changes fall far from New Year), whatever the
-- session's time zone: make_timestamp(epoch_us(t)) is the instant's UTC wall clock.
CREATE OR REPLACE MACRO hki_utc_to_local(t) AS
    make_timestamp(epoch_us(t) + CASE
        WHEN epoch_us(t) - hki_sunday_us(year(make_timestamp(epoch_us(t))), 30) >= 3600000000
         AND epoch_us(t) - hki_sunday_us(year(make_timestamp(epoch_us(t))), 244) < 3600000000
        THEN 10800000000 ELSE 7200000000 END);
