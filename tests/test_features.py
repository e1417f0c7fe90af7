"""Behaviour features per staff member and day (sql/features/), on the hand-made toy county.

The toy county (pipelines/scoring/toy.py): twelve social workers in two units of six read their own ten
clients in office hours on weekdays; S03 on one Thursday evening opens 45 clients of the other unit, two of
them through a second client system.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from pipelines.config import load_config
from pipelines.scoring import build_features
from pipelines.scoring.toy import ANOMALY, START, load_toy_county


@pytest.fixture
def toy(store_con):
    load_toy_county(store_con)
    return store_con


def _day(frame: pl.DataFrame, staff_id: str, day: date) -> dict:
    rows = frame.filter((pl.col("staff_id") == staff_id) & (pl.col("day") == day)).to_dicts()
    assert len(rows) == 1, f"expected one row for {staff_id} {day}"
    return rows[0]


def _add_event(con, account: str, when: datetime, client: str | None, action: str = "read", system="pegasos"):
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.execute(
        "INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, account, client_id, "
        "action, emergency, outcome, run_id, record_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, 'success', 0, ?)",
        [system, f"extra{n}", when, when, when.date(), account, client, action, n + 1],
    )


def test_there_is_one_row_per_staff_member_and_day_with_events(toy):
    frame = build_features(toy, load_config())
    assert frame.select("staff_id", "day").is_duplicated().sum() == 0
    expected = toy.execute(
        "SELECT count(DISTINCT (a.staff_id, e.event_date)) FROM events e JOIN ref_accounts a USING (source_system, account)"
    ).fetchone()[0]
    assert frame.height == expected


def test_a_persons_accounts_in_several_systems_count_together(toy):
    staff, day = ANOMALY
    row = _day(build_features(toy, load_config()), staff, day)
    assert row["systems"] == 2
    normal = toy.execute(
        "SELECT count(*) FROM events e JOIN ref_accounts a USING (source_system, account) "
        "WHERE a.staff_id = ? AND e.event_date = ?", [staff, day]).fetchone()[0]
    assert row["events"] == normal


def test_clients_without_personal_involvement_are_counted_and_shared(toy):
    staff, day = ANOMALY
    row = _day(build_features(toy, load_config()), staff, day)
    assert row["clients_without_involvement"] == 45
    accesses = row["events"] - 1          # every event but the day's one search without a client
    assert row["no_involvement_share"] == pytest.approx(45 / accesses)


def test_a_client_is_new_only_on_the_first_day_this_person_opens_them(toy):
    staff, day = ANOMALY
    frame = build_features(toy, load_config())
    assert _day(frame, staff, day)["new_clients"] == 45
    first = _day(frame, staff, START)
    assert first["new_clients"] == first["clients"]
    later = frame.filter((pl.col("staff_id") == staff) & (pl.col("day") > START) & (pl.col("day") != day))
    assert later["new_clients"].sum() <= 10 - first["clients"]


def test_evening_events_count_as_out_of_hours(toy):
    staff, day = ANOMALY
    row = _day(build_features(toy, load_config()), staff, day)
    assert row["out_of_hours_share"] == pytest.approx(45 / row["events"])


def test_every_event_of_a_weekend_or_holiday_is_out_of_hours(toy):
    _add_event(toy, "s01", datetime(2026, 3, 7, 10, 0), "C001")          # a Saturday, office hours
    _add_event(toy, "s01", datetime(2026, 4, 3, 10, 0), "C001")          # Good Friday
    frame = build_features(toy, load_config())
    assert _day(frame, "S01", date(2026, 3, 7))["out_of_hours_share"] == 1.0
    assert _day(frame, "S01", date(2026, 4, 3))["out_of_hours_share"] == 1.0


def test_protected_clients_share_counts_security_prohibitions(toy):
    staff, day = ANOMALY
    row = _day(build_features(toy, load_config()), staff, day)
    assert row["protected_clients"] == 3
    assert row["protected_share"] == pytest.approx(3 / row["clients"])


def test_protected_clients_opened_out_of_hours_are_counted_apart(toy):
    staff, day = ANOMALY
    frame = build_features(toy, load_config())
    assert _day(frame, staff, day)["protected_out_of_hours_clients"] == 3   # all three were opened that evening
    assert frame.filter(pl.col("day") != day)["protected_out_of_hours_clients"].max() == 0


def test_the_windows_count_distinct_clients_outside_the_caseload_ending_on_the_day(toy):
    """The 7-, 28- and 90-day windows are what show a slow browser: the evening's 45 other-unit clients stay in
    the week's count for the six days after it and leave it on the seventh; the 28-day count keeps them."""
    staff, day = ANOMALY
    frame = build_features(toy, load_config())
    mine = frame.filter(pl.col("staff_id") == staff)
    row = _day(frame, staff, day)
    assert row["week_clients_uncovered"] == 45
    assert row["month_clients_uncovered"] == 45 and row["quarter_clients_uncovered"] == 45
    later = mine.filter((pl.col("day") > day) & (pl.col("day") <= day + timedelta(days=6)))
    gone = mine.filter(pl.col("day") >= day + timedelta(days=7))
    assert later.height and (later["week_clients_uncovered"] == 45).all()
    assert gone.height and (gone["week_clients_uncovered"] == 0).all()
    assert (gone["month_clients_uncovered"] == 45).all()


def test_the_window_counts_equal_a_brute_force_count_of_distinct_clients(toy):
    """The running-sum count (each access counts until the client's next access or the window's end) against
    counting the distinct clients in each window directly, with repeated clients on several days."""
    for k, d in enumerate((1, 3, 8, 9, 20)):
        for client in ("C070", "C071", f"C08{k}"):
            _add_event(toy, "s02", datetime(2026, 3, d + 1, 10, k), client)
    frame = build_features(toy, load_config()).filter(pl.col("staff_id") == "S02")
    rows = toy.execute("SELECT e.event_date, e.client_id FROM events e JOIN ref_accounts a USING (source_system, account) "
                       "WHERE a.staff_id = 'S02' AND e.client_id IS NOT NULL").fetchall()
    own = {c for (c,) in toy.execute("SELECT client_id FROM ref_involvement WHERE staff_id = 'S02'").fetchall()}
    for r in frame.iter_rows(named=True):
        for width, column in ((7, "week_clients_uncovered"), (28, "month_clients_uncovered")):
            expected = {c for day, c in rows if r["day"] - timedelta(days=width - 1) <= day <= r["day"] and c not in own}
            assert r[column] == len(expected), (r["day"], column)


def test_every_window_counts_a_client_again_after_a_pause_exactly_as_long_as_the_window(toy):
    """A client opened again after a pause of exactly k days, k - 1 or k + 1 (k = 7, 28, 62, 90): each of the four
    windows (the week, the month, the quarter and the 62 days t-90 ... t-29) counts the distinct clients outside
    the caseload opened within it, on every day, the same as counting them one by one."""
    first = date(2026, 1, 5)
    offsets = {"C090": (0, 7, 14, 20, 48, 75, 137), "C091": (0, 6, 34, 96, 186), "C092": (0, 8, 37, 99, 190),
               "C093": (0, 61, 62, 124, 214)}
    for client, days in offsets.items():
        for k, offset in enumerate(days):
            _add_event(toy, "s02", datetime.combine(first + timedelta(days=offset), datetime.min.time()).replace(hour=11, minute=k),
                       client)
    frame = build_features(toy, load_config()).filter(pl.col("staff_id") == "S02")
    rows = toy.execute("SELECT e.event_date, e.client_id FROM events e JOIN ref_accounts a USING (source_system, account) "
                       "WHERE a.staff_id = 'S02' AND e.client_id IS NOT NULL").fetchall()
    own = {c for (c,) in toy.execute("SELECT client_id FROM ref_involvement WHERE staff_id = 'S02'").fetchall()}
    windows = ((0, 7, "week_clients_uncovered"), (0, 28, "month_clients_uncovered"),
               (0, 90, "quarter_clients_uncovered"), (29, 62, "before_clients_uncovered"))
    checked = 0
    for r in frame.iter_rows(named=True):
        for back, width, column in windows:
            end = r["day"] - timedelta(days=back)
            expected = {c for day, c in rows if end - timedelta(days=width - 1) <= day <= end and c not in own}
            assert r[column] == len(expected), (r["day"], column)
            checked += bool(expected & set(offsets))
    assert checked > 100   # the paused clients are in many of the windows compared


def test_a_client_is_affine_when_a_collaborator_opened_it_too(toy):
    """Two people who opened at least [model] min_shared_clients of the same clients are collaborators: S02 opening
    that many of S04's clients one day makes S04's other clients affine for S02 the next day, while a client of
    the other unit that none of S02's collaborators opened stays unaffine; S05, who opens one client of S04's,
    shares too few with S04 to be a collaborator, so that client is unaffine for S05."""
    shared = int(load_config().get("model", {}).get("min_shared_clients", 5))
    s04 = [f"C{i:03d}" for i in range(31, 41)]            # S04's own clients (pipelines/scoring/toy.py)
    assert toy.execute("SELECT count(DISTINCT client_id) FROM events WHERE account = 's04'").fetchone()[0] == 10
    day_a, day_b = START + timedelta(days=8), START + timedelta(days=9)   # a Tuesday and a Wednesday
    for k, client in enumerate(s04[:shared]):
        _add_event(toy, "s02", datetime.combine(day_a, datetime.min.time()).replace(hour=15, minute=k), client)
    _add_event(toy, "s02", datetime.combine(day_b, datetime.min.time()).replace(hour=15), s04[-1])
    _add_event(toy, "s02", datetime.combine(day_b, datetime.min.time()).replace(hour=15, minute=5), "C110")
    _add_event(toy, "s05", datetime.combine(day_b, datetime.min.time()).replace(hour=15), s04[-1])
    frame = build_features(toy, load_config())
    s02, s05 = _day(frame, "S02", day_b), _day(frame, "S05", day_b)
    assert s02["clients_uncovered"] == 2 and s02["unaffine_clients"] == 1
    assert s05["clients_uncovered"] == 1 and s05["unaffine_clients"] == 1


def test_the_unaffine_clients_are_those_of_the_pairs_of_people_counted_by_name(toy):
    """The feature SQL numbers people and clients to join the shared clients (sql/features/001_user_day.sql, steps
    staff_numbers, client_numbers and community): its unaffine (person, client) pairs are those of the same
    definition written over the names, on the toy county with people of both units opening each other's clients,
    some often enough to be collaborators."""
    from pipelines.scoring import features
    from pipelines.sqlfiles import bind, steps

    rng = np.random.default_rng(5)
    day = START + timedelta(days=3)
    for k in range(300):
        staff, client = rng.integers(1, 13), rng.integers(1, 121)
        _add_event(toy, f"s{staff:02d}", datetime.combine(day + timedelta(days=int(rng.integers(0, 20))),
                                                          datetime.min.time()).replace(hour=10, minute=k % 60),
                   f"C{client:03d}")
    config = load_config()
    params = features._params(config)
    after = {"account_staff": features.install_unit_hours,
             "day_clients": lambda c: features._day_clients_and_holidays(c, params)}
    for name, sql in steps(features.USER_DAY_SQL):
        toy.execute(sql, bind(sql, params))
        if name in after:
            after[name](toy)
        if name == "community":
            break
    by_name = toy.execute("""
        WITH sc AS (SELECT sn.staff_id, cn.client_id FROM feature_staff_clients
                    JOIN feature_staff_numbers sn USING (s) JOIN feature_client_numbers cn USING (c)),
        small AS (SELECT * FROM sc WHERE client_id IN
                  (SELECT client_id FROM sc GROUP BY ALL HAVING count(*) <= $hub_clients)),
        shared AS (SELECT a.staff_id AS u, b.staff_id AS v, a.client_id FROM small a
                   JOIN small b ON a.client_id = b.client_id AND a.staff_id <> b.staff_id),
        pairs AS (SELECT u, v FROM shared GROUP BY ALL HAVING count(*) >= $min_shared)
        SELECT staff_id, client_id FROM small s WHERE NOT EXISTS (
            SELECT 1 FROM shared x JOIN pairs p USING (u, v) WHERE x.u = s.staff_id AND x.client_id = s.client_id)
        ORDER BY ALL""", {"hub_clients": params["hub_clients"], "min_shared": params["min_shared"]}).fetchall()
    numbered = toy.execute("""SELECT sn.staff_id, cn.client_id FROM feature_unaffine
        JOIN feature_staff_numbers sn USING (s) JOIN feature_client_numbers cn USING (c) ORDER BY ALL""").fetchall()
    collaborators = toy.execute("""SELECT count(*) FROM (SELECT a.s, b.s FROM feature_staff_clients a
        JOIN feature_staff_clients b ON a.c = b.c AND a.s < b.s
        GROUP BY ALL HAVING count(*) >= $m)""", {"m": params["min_shared"]}).fetchone()[0]
    assert numbered == by_name
    assert len(numbered) >= 5 and collaborators > 10


def test_client_units_come_from_the_clients_unit_involvement(toy):
    staff, day = ANOMALY
    frame = build_features(toy, load_config())
    assert _day(frame, staff, day)["client_units"] == 2     # their own unit by day, the other unit that evening
    assert _day(frame, staff, START)["client_units"] == 1


def test_searches_per_view_and_prints(toy):
    _add_event(toy, "s05", datetime(2026, 3, 9, 9, 0), "C041", "print")
    row = _day(build_features(toy, load_config()), "S05", date(2026, 3, 9))
    assert row["prints_exports"] == 1
    assert row["searches_per_view"] == pytest.approx(1 / (row["events"] - 2))


def test_session_span_and_longest_pause_on_a_hand_made_day(store_con):
    store_con.execute("INSERT INTO ref_accounts VALUES ('pegasos', 'a1', 'P1', 1)")
    store_con.execute("INSERT INTO ref_staff VALUES ('P1', NULL, NULL, NULL, 'ORG', 'U', 'r', NULL, "
                      "DATE '2020-01-01', NULL, 1)")
    for hh, mm in ((8, 0), (8, 5), (12, 0), (12, 30)):
        _add_event(store_con, "a1", datetime(2026, 3, 10, hh, mm), "X1")
    row = _day(build_features(store_con, load_config()), "P1", date(2026, 3, 10))
    assert row["span_minutes"] == 270
    assert row["max_gap_minutes"] == pytest.approx(235, abs=15)   # measured on quarter-hours


def test_the_span_and_the_longest_pause_read_from_the_quarter_hour_masks_equal_those_of_the_sorted_hours():
    """The day's active quarter-hours travel as two 48-bit masks (the early and the late half of the day); the
    span (first to last active quarter-hour) and the longest pause (between consecutive active ones, 0 with one)
    read from them must be those of the quarter-hours themselves, at the day's edges and across the halves."""
    import random
    from itertools import pairwise

    import numpy as np

    from pipelines.scoring.features import span_and_pause

    rng = random.Random(15)
    days = [[0], [95], [47, 48], [0, 95], [10, 11, 12], [3, 40, 47, 90]]
    days += [sorted(rng.sample(range(96), rng.randint(1, 30))) for _ in range(200)]
    early = np.array([sum(1 << q for q in d if q < 48) for d in days], dtype=np.int64)
    late = np.array([sum(1 << (q - 48) for q in d if q >= 48) for d in days], dtype=np.int64)
    span, pause = span_and_pause(early, late)
    assert list(span) == [15 * (d[-1] - d[0]) for d in days]
    assert list(pause) == [15 * max((b - a for a, b in pairwise(d)), default=0) for d in days]


def test_a_day_without_active_quarter_hours_has_no_span_and_no_pause():
    """A user-day whose masks are empty (no event placed in a quarter-hour) between two active days: 0 and 0 for
    it, and its neighbours' figures are their own."""
    import numpy as np

    from pipelines.scoring.features import span_and_pause

    span, pause = span_and_pause(np.array([1 | 1 << 4, 0, 1 << 47], dtype=np.int64),
                                 np.array([0, 0, 1 << 47], dtype=np.int64))
    assert list(span) == [60, 0, 15 * 48]
    assert list(pause) == [60, 0, 15 * 48]


def test_the_ranges_of_dates_of_the_one_pass_cover_every_date_and_hold_at_most_the_limit():
    """The events are aggregated a range of dates at a time, planned from the ingest's events per day: whatever
    the summary says (out of date, empty), the ranges together cover every date, none overlaps the next, and a
    range holds more than the limit only when one day alone does."""
    from itertools import pairwise

    from pipelines.scoring.features import date_ranges

    days = [(START + timedelta(days=k), events) for k, events in enumerate([4, 4, 4, 9, 1, 1, 1, 1])]
    ranges = date_ranges(days, limit=8)
    assert ranges[0][0] == date.min and ranges[-1][1] == date.max
    assert all(nxt[0] == last + timedelta(days=1) for (_, last), nxt in pairwise(ranges))
    held = [sum(e for d, e in days if first <= d <= last) for first, last in ranges]
    assert held == [8, 4, 9, 4]
    assert date_ranges([], limit=8) == [(date.min, date.max)]


def test_features_aggregated_in_ranges_of_dates_equal_those_of_one_aggregate(toy, monkeypatch):
    """A range of dates holds whole (staff member, day, client) groups: scoring a store in many small ranges gives
    every user-day the features of one aggregate over all the events, to the last bit."""
    from pipelines.checks.summaries import ensure_summaries
    from pipelines.scoring import features
    from pipelines.sqlfiles import statement

    ensure_summaries(toy)
    whole = build_features(toy, load_config())
    monkeypatch.setattr(features, "DAY_CLIENTS_CHUNK_EVENTS", 50)
    planned = features.date_ranges(toy.execute(statement(features.DAY_CLIENTS_SQL, "day_events")).fetchall(), 50)
    assert len(planned) > 10
    assert build_features(toy, load_config()).equals(whole)


def test_features_are_normalised_against_peers_of_the_same_role_and_unit(toy):
    staff, day = ANOMALY
    row = _day(build_features(toy, load_config()), staff, day)
    assert row["peer_group"] == "role+unit:social_worker|U1"
    assert row["clients_uncovered_peer_median"] == 0
    assert row["clients_uncovered_peer_z"] == pytest.approx(45.0)   # scale floored at one client
    assert row["clients_uncovered_own_z"] == 0   # warm-up: four weeks of data hold no older days of their own


def test_a_small_peer_group_falls_back_to_the_role(toy):
    config = {**load_config(), "model": {**load_config()["model"], "min_peers": 7}}
    frame = build_features(toy, config)
    assert set(frame["peer_group"].unique()) == {"role:social_worker"}


def test_the_own_yardstick_is_not_scored_before_older_days_exist(toy):
    """Warm-up: the own comparison uses the person's days from before the recent weeks (about t-90 ... t-29);
    in four weeks of data no such days exist, so no own deviation is scored."""
    frame = build_features(toy, load_config())
    assert (frame.select(pl.col("^.*_own_z$")).to_numpy() == 0).all()
    assert frame.select(pl.col("^.*_own_median$")).null_count().row(0) == tuple([frame.height] * len(
        [c for c in frame.columns if c.endswith("_own_median")]))


def test_the_staff_row_in_force_decides_the_peer_group(toy):
    toy.execute("UPDATE ref_staff SET valid_to = DATE '2026-03-15' WHERE staff_id = 'S01'")
    toy.execute("INSERT INTO ref_staff VALUES ('S01', NULL, NULL, NULL, 'ORG', 'U2', 'social_worker', NULL, "
                "DATE '2026-03-16', NULL, 50)")
    frame = build_features(toy, load_config())
    assert _day(frame, "S01", date(2026, 3, 13))["unit_id"] == "U1"
    assert _day(frame, "S01", date(2026, 3, 16))["unit_id"] == "U2"


def test_an_empty_store_gives_an_empty_frame(store_con):
    frame = build_features(store_con, load_config())
    assert frame.height == 0
    assert "clients_peer_z" in frame.columns


def test_the_feature_pass_returns_freed_memory_and_leaves_no_working_tables(toy):
    """Scoring's peak is the feature SQL's working set plus the frame work after it: the intermediate tables are
    dropped once the frame is read, and DuckDB's allocator returns their memory in the background, so the two
    peaks do not add up (docs/anomaly-model.md, Cost)."""
    build_features(toy, load_config())
    assert toy.execute("SELECT current_setting('allocator_background_threads')").fetchone()[0] is True
    left = {r[0] for r in toy.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    assert not left & {"feature_day_clients", "feature_client_flags", "feature_staff_day"}
    assert {"feature_user_day", "feature_peer_of_day"} <= left
