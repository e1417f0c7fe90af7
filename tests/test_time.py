"""Europe/Helsinki wall-clock time: the SQL macros agree with zoneinfo, and the two DST hours are handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipelines.ingest.engine import ingest_file, install_macros

HKI = ZoneInfo("Europe/Helsinki")
HEADER = "source_system,source_event_id,event_time,account,client_id,action\n"


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    install_macros(con)
    yield con
    con.close()


def local_hours(first_year: int, last_year: int):
    t, end = datetime(first_year, 1, 1), datetime(last_year + 1, 1, 1)
    while t < end:
        yield t
        t += timedelta(minutes=30)


def test_local_to_utc_agrees_with_zoneinfo_every_half_hour_for_eight_years(macros):
    rows = macros.execute(
        "SELECT l, hki_local_to_utc(l, false), hki_local_to_utc(l, true) FROM "
        "generate_series(TIMESTAMP '2019-01-01', TIMESTAMP '2026-12-31 23:30', INTERVAL 30 MINUTE) g(l) ORDER BY l"
    ).fetchall()
    expected = list(local_hours(2019, 2026))
    assert [r[0] for r in rows] == expected
    for local, first, second in rows:
        assert first == local.replace(tzinfo=HKI, fold=0).astimezone(UTC), local
        as_first = local.replace(tzinfo=HKI, fold=0)
        nonexistent = as_first.astimezone(UTC).astimezone(HKI).replace(tzinfo=None) != local
        # the second pass only means something in the repeated hour; a non-existent time keeps UTC+2
        assert second == (as_first if nonexistent else local.replace(tzinfo=HKI, fold=1)).astimezone(UTC)


def test_utc_to_local_agrees_with_zoneinfo_every_half_hour_for_eight_years(macros):
    rows = macros.execute(
        "SELECT t, hki_utc_to_local(t) FROM generate_series(TIMESTAMPTZ '2019-01-01 00:00+00', "
        "TIMESTAMPTZ '2026-12-31 23:30+00', INTERVAL 30 MINUTE) g(t)"
    ).fetchall()
    assert len(rows) == 8 * 365 * 48 + 2 * 48  # two leap years
    for instant, local in rows:
        assert local == instant.astimezone(HKI).replace(tzinfo=None), instant


@pytest.mark.parametrize("local, kind", [
    ("2024-03-31 02:59:59", "winter"), ("2024-03-31 03:00:00", "nonexistent"), ("2024-03-31 03:59:59", "nonexistent"),
    ("2024-03-31 04:00:00", "summer"), ("2024-10-27 02:59:59", "summer"), ("2024-10-27 03:00:00", "ambiguous"),
    ("2024-10-27 03:59:59", "ambiguous"), ("2024-10-27 04:00:00", "winter"),
])
def test_the_edges_of_the_two_dst_hours(macros, local, kind):
    assert macros.execute("SELECT hki_local_kind(CAST(? AS TIMESTAMP))", [local]).fetchone()[0] == kind


def ingest_times(con, tmp_path, times: list[str]):
    path = tmp_path / "pegasos.csv"
    path.write_text(HEADER + "".join(f"pegasos,E{i},{t},user1,,read\n" for i, t in enumerate(times)),
                    encoding="utf-8")
    ingest_file(con, path)
    return con.execute("SELECT source_event_id, event_time, time_flag FROM events ORDER BY record_no").fetchall()


def test_the_repeated_autumn_hour_is_the_first_pass_until_the_file_steps_back(store_con, tmp_path):
    rows = ingest_times(store_con, tmp_path, ["2024-10-27 02:50:00", "2024-10-27 03:10:00", "2024-10-27 03:40:00",
                                              "2024-10-27 03:05:00", "2024-10-27 03:30:00", "2024-10-27 04:10:00"])
    utc = [r[1].strftime("%H:%M") for r in rows]
    flags = [r[2] for r in rows]
    assert utc == ["23:50", "00:10", "00:40", "01:05", "01:30", "02:10"]
    assert flags == [None, "ambiguous_first", "ambiguous_first", "ambiguous_second", "ambiguous_second", None]


def test_the_non_existent_spring_hour_is_read_with_winter_offset_and_flagged(store_con, tmp_path):
    rows = ingest_times(store_con, tmp_path, ["2024-03-31 02:30:00", "2024-03-31 03:30:00", "2024-03-31 04:30:00"])
    assert [r[1].strftime("%H:%M") for r in rows] == ["00:30", "01:30", "01:30"]
    assert [r[2] for r in rows] == [None, "nonexistent", None]


def test_a_time_with_an_offset_is_taken_as_the_instant_it_names(store_con, tmp_path):
    rows = ingest_times(store_con, tmp_path, ["2024-10-27T03:30:00+02:00", "2024-10-27T00:30:00Z"])
    assert [r[1].isoformat() for r in rows] == ["2024-10-27T01:30:00+00:00", "2024-10-27T00:30:00+00:00"]
    assert [r[2] for r in rows] == [None, None]


def test_the_local_date_of_an_event_is_the_helsinki_calendar_date(store_con, tmp_path):
    ingest_times(store_con, tmp_path, ["2024-06-30T22:30:00Z"])
    assert str(store_con.execute("SELECT event_date FROM events").fetchone()[0]) == "2024-07-01"


def transition_weekends(first_year: int, last_year: int):
    """Every half hour from the Saturday before to the Monday after each change of offset."""
    for year in range(first_year, last_year + 1):
        for month in (3, 10):
            last = datetime(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() + 1) % 7)
            t = sunday - timedelta(days=1)
            while t < sunday + timedelta(days=2):
                yield t
                t += timedelta(minutes=30)


def test_the_sundays_are_found_for_every_year_the_eu_rule_has_held_and_this_century(macros):
    # The macros find the last Sundays by integer arithmetic (as the ICU calendar is slow row by row);
    # zoneinfo's tz database is the authority for every change from 1996 to 2099.
    locals_ = list(transition_weekends(1996, 2099))
    rows = macros.execute(
        "SELECT l, hki_local_to_utc(l, false), hki_local_to_utc(l, true), hki_utc_to_local(CAST(? AS TIMESTAMPTZ) "
        "+ (l - TIMESTAMP '1970-01-01')) FROM unnest(?::TIMESTAMP[]) u(l)", ["1970-01-01 00:00+00", locals_]
    ).fetchall()
    assert len(rows) == len(locals_) == 104 * 2 * 144
    for local, first, second, back in rows:
        as_first = local.replace(tzinfo=HKI, fold=0)
        nonexistent = as_first.astimezone(UTC).astimezone(HKI).replace(tzinfo=None) != local
        assert first == as_first.astimezone(UTC), local
        assert second == (as_first if nonexistent else local.replace(tzinfo=HKI, fold=1)).astimezone(UTC), local
        # `back`: the instant whose UTC wall clock reads `local`, shown in Helsinki
        assert back == local.replace(tzinfo=UTC).astimezone(HKI).replace(tzinfo=None), local


def test_the_local_time_of_an_instant_does_not_depend_on_the_session_time_zone():
    con = duckdb.connect()
    install_macros(con)
    try:
        con.execute("SET TimeZone = 'America/New_York'")
        got = con.execute("SELECT hki_utc_to_local(TIMESTAMPTZ '2024-03-31 00:59:59+00'), "
                          "hki_utc_to_local(TIMESTAMPTZ '2024-03-31 01:00:00+00'), "
                          "hki_local_to_utc(TIMESTAMP '2024-07-01 12:00', false)").fetchone()
    finally:
        con.close()
    assert got[0] == datetime(2024, 3, 31, 2, 59, 59)
    assert got[1] == datetime(2024, 3, 31, 4, 0, 0)
    assert got[2] == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
