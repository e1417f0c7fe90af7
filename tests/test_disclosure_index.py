"""The client-sorted copy answers exactly what the live tables answer, and looks up one client's rows only."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import polars as pl
import pytest
from disclosure_county import ADULT, CHILD, OTHER

from pipelines.disclosure import answer_events, ensure_client_index
from pipelines.disclosure import index as index_module
from pipelines.disclosure.answer import answer_events_live
from pipelines.disclosure.index import read_index_state
from pipelines.store import connect

PERIODS = (("2000-01-01", "2100-12-31"), ("2026-03-01", "2026-04-30"), ("2026-03-05", "2026-03-05"),
           ("1990-01-01", "1990-12-31"))


@pytest.fixture
def indexed(county):
    """A writable connection to a fresh copy of the hand-made county whose client-sorted copy is built."""
    con = connect(county[0])
    try:
        ensure_client_index(con)
        yield con
    finally:
        con.close()


def _clients(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT client_id FROM events WHERE client_id IS NOT NULL ORDER BY 1").fetchall()]


def _assert_same_answers(con, clients, periods=PERIODS):
    assert read_index_state(con) is not None, "the copy should be fresh"
    for client in clients:
        for start, end in periods:
            copy = answer_events(con, client, start, end, build_index=False)
            live = answer_events_live(con, client, start, end)
            assert copy.equals(live), (client, start, end)


def test_every_clients_answer_from_the_copy_equals_the_live_answer_in_every_period(indexed):
    con = indexed
    _assert_same_answers(con, [*_clients(con), "no-such-client"])


def test_an_empty_answer_from_the_copy_has_the_live_answers_columns_and_types(indexed):
    con = indexed
    copy = answer_events(con, ADULT, "1990-01-01", "1990-12-31")
    live = answer_events_live(con, ADULT, "1990-01-01", "1990-12-31")
    assert copy.height == 0
    assert copy.schema == live.schema


def test_the_copy_codes_its_text_columns_and_keeps_the_look_up_key_and_event_ids_as_columns(indexed):
    con = indexed
    columns = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                               "WHERE table_name = 'disclosure_events_by_client'").fetchall())
    leftover_types = con.execute("SELECT count(*) FROM duckdb_types() "
                                 "WHERE type_name LIKE 'disclosure_enum_%'").fetchall()[0][0]
    layout = read_index_state(con).layout
    assert columns["client_id"] == "VARCHAR" and columns["source_event_id"] == "VARCHAR"
    assert columns["codes"].startswith("USMALLINT[")
    assert {"worker_name", "organisation_name", "action", "basis"} <= set(layout.slots)
    assert "worker_name" not in columns
    assert leftover_types == 0                        # the coding types are transient
    assert layout.columns[:5] == ("source_system", "source_event_id", "event_time", "event_local", "event_date")


def test_a_text_column_with_too_many_values_stays_a_column_and_the_answer_is_unchanged(county, monkeypatch):
    store, _ = county
    monkeypatch.setattr(index_module, "MAX_CODED", 3)
    con = connect(store)
    try:
        ensure_client_index(con, force=True)
        layout = read_index_state(con).layout
        columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                             "WHERE table_name = 'disclosure_events_by_client'").fetchall()}
        assert "worker_name" in columns and "worker_name" not in layout.slots
        assert layout.slots and not set(layout.slots) & columns   # the columns of few values are still coded
        _assert_same_answers(con, [ADULT, CHILD, OTHER])
    finally:
        con.close()


@pytest.mark.parametrize("parallel_rows", [1, 10 ** 9])
def test_a_large_answer_read_in_two_halves_at_once_equals_the_live_answer(county, monkeypatch, parallel_rows):
    store, _ = county
    monkeypatch.setattr(index_module, "PARALLEL_ROWS", parallel_rows)   # 1: every answer is read in halves
    con = connect(store)
    try:
        ensure_client_index(con, force=True)   # the median date is kept only for a client read in halves
        state = read_index_state(con, ADULT)
        assert state.row_count > 1 and (state.mid_date is not None) == (state.row_count >= parallel_rows)
        _assert_same_answers(con, [ADULT, CHILD, OTHER, "no-such-client"])
    finally:
        con.close()


def test_the_index_state_gives_the_clients_rows_and_the_median_date_of_an_answer_read_in_halves(indexed,
                                                                                                monkeypatch):
    con = indexed
    expected = con.execute("SELECT count(*), quantile_disc(event_date, 0.5) FROM events WHERE client_id = ?",
                           [ADULT]).fetchall()[0]
    monkeypatch.setattr(index_module, "PARALLEL_ROWS", expected[0] + 1)   # too few rows to be read in halves
    ensure_client_index(con, force=True)
    too_few = read_index_state(con, ADULT)
    assert (too_few.row_count, too_few.mid_date) == (expected[0], None)
    monkeypatch.setattr(index_module, "PARALLEL_ROWS", expected[0])
    ensure_client_index(con, force=True)
    state = read_index_state(con, ADULT)
    nobody = read_index_state(con, "no-such-client")
    assert (state.row_count, state.mid_date) == expected
    assert (nobody.row_count, nobody.mid_date) == (0, None)
    assert state.time_zone == "UTC"


def test_a_rebuilt_copy_is_read_with_its_own_layout(indexed, monkeypatch):
    con = indexed
    first = answer_events(con, ADULT, "2000-01-01", "2100-12-31")
    monkeypatch.setattr(index_module, "MAX_CODED", 2)   # a different layout with the same fingerprint
    ensure_client_index(con, force=True)
    again = answer_events(con, ADULT, "2000-01-01", "2100-12-31")
    assert again.equals(first)


def test_a_client_look_up_reads_only_the_clients_row_groups(indexed):
    con = indexed
    plan = con.execute(
        "EXPLAIN SELECT * FROM disclosure_events_by_client WHERE client_id = ? AND event_date BETWEEN ? AND ?",
        [ADULT, "2026-01-01", "2026-12-31"]).fetchall()
    text = "\n".join(r[1] for r in plan)
    assert "Filters" in text and "client_id=" in text.replace(" ", "")   # pushed into the scan (zone maps)


def test_the_small_countys_answers_from_the_copy_equal_the_live_answers(small_store, tmp_path):
    store = tmp_path / "small.duckdb"
    shutil.copyfile(small_store, store)
    con = connect(store)
    try:
        ensure_client_index(con)
        clients = [r[0] for r in con.execute(
            "SELECT client_id FROM events WHERE client_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 5"
        ).fetchall()]
        _assert_same_answers(con, clients, (("2026-05-01", "2026-05-31"), ("2026-05-10", "2026-05-12")))
        index_module.PARALLEL_ROWS, saved = 1, index_module.PARALLEL_ROWS
        try:
            ensure_client_index(con, force=True)   # every client's median date kept: every answer read in halves
            _assert_same_answers(con, clients, (("2026-05-01", "2026-05-31"), ("2026-05-10", "2026-05-12")))
        finally:
            index_module.PARALLEL_ROWS = saved
        sizes = [answer_events(con, c, "2026-05-01", "2026-05-31").height for c in clients]
    finally:
        con.close()
    assert min(sizes) > 0


@pytest.mark.parametrize("reader", ["read_only", "writable"])
def test_a_stale_copy_is_never_read(county, reader):
    store, _ = county
    con = connect(store)
    try:
        ensure_client_index(con)
        con.execute("INSERT INTO events SELECT * REPLACE ('pc-late' AS source_event_id) FROM events "
                    "WHERE source_event_id = 'pc-1'")
    finally:
        con.close()
    con = connect(store, read_only=reader == "read_only")
    try:
        got = answer_events(con, ADULT, "2000-01-01", "2100-12-31")
    finally:
        con.close()
    assert "pc-late" in got["source_event_id"].to_list()
    assert got.filter(pl.col("source_event_id") == "pc-late")["worker_name"].to_list() == ["Anna Aaltonen"]


def test_the_second_half_is_read_in_the_connections_time_zone(county, monkeypatch):
    store, _ = county
    monkeypatch.setattr(index_module, "PARALLEL_ROWS", 1)
    con = connect(store)
    try:
        ensure_client_index(con, force=True)   # built with every client's median date: read in halves
        con.execute("SET TimeZone = 'Europe/Helsinki'")
        copy = answer_events(con, ADULT, "2000-01-01", "2100-12-31")
        live = answer_events_live(con, ADULT, "2000-01-01", "2100-12-31")
    finally:
        con.close()
    assert copy.schema["event_time"] == live.schema["event_time"] == pl.Datetime("us", "Europe/Helsinki")
    assert copy.equals(live)


def _copy_tables(con) -> tuple[list, list, list]:
    """The copy's rows in stored order, its layout and its clients' counts: what a build leaves behind."""
    return (con.execute("SELECT * FROM disclosure_events_by_client").fetchall(),
            con.execute("SELECT * FROM disclosure_index_layout ORDER BY position").fetchall(),
            con.execute("SELECT * FROM disclosure_index_clients").fetchall())


def test_a_copy_built_in_many_small_pieces_equals_the_copy_built_in_one(small_store, tmp_path):
    """A build's peak must not grow with the store, so the copy is built a date window and a client range at a
    time; the pieces must add up to exactly the one-piece build: the same rows in the same order, the same
    dictionaries and the same per-client counts and median dates."""
    store = tmp_path / "small.duckdb"
    shutil.copyfile(small_store, store)
    con = connect(store)
    try:
        events, days, clients = con.execute(
            "SELECT count(*), count(DISTINCT event_date), count(DISTINCT client_id) FROM events "
            "WHERE client_id IS NOT NULL").fetchall()[0]
        ensure_client_index(con, force=True, piece_events=events + 1)     # one date window, one client range
        whole = _copy_tables(con)
        piece = max(1, events // 40)
        ensure_client_index(con, force=True, piece_events=piece)
        pieces = _copy_tables(con)
        scratch = list(tmp_path.glob("*.copy-build*"))
    finally:
        con.close()
    assert days > 20 and clients > 20, "the store should be cut into many windows and ranges"
    assert len(whole[0]) == events
    assert pieces == whole
    assert scratch == []                               # the build's scratch database is deleted


def test_the_date_windows_cover_every_day_once_and_hold_at_most_a_piece_unless_one_day_is_more():
    days = [(date(2026, 5, d), n) for d, n in ((1, 3), (2, 3), (3, 10), (4, 1), (5, 1), (6, 4), (7, 1))]
    windows = index_module._date_windows(days, 6)
    assert windows == [(date(2026, 5, 1), date(2026, 5, 2)), (date(2026, 5, 3), date(2026, 5, 3)),
                       (date(2026, 5, 4), date(2026, 5, 6)), (date(2026, 5, 7), date(2026, 5, 7))]
    assert index_module._date_windows([], 6) == []


def test_the_builds_date_windows_shrink_to_fit_the_memory_limit():
    """Measured on the 10 M replicated county: a 2 M-event window's enrichment held about 1.5 GB, and under the
    default 1 GB limit `lokivahti check --full` ran out of memory building the copy. A window now holds at most
    the limit's worth of events at WINDOW_ROW_BYTES an event (a third to spare over the measured 970 bytes);
    without a readable limit, the configured piece."""
    gib = 1024 ** 3
    assert index_module.window_events(2_000_000, gib) == gib // index_module.WINDOW_ROW_BYTES < 2_000_000
    assert gib // index_module.WINDOW_ROW_BYTES * 970 < 0.7 * gib     # the measured need, with room to spare
    assert index_module.window_events(2_000_000, 64 * gib) == 2_000_000
    assert index_module.window_events(2_000_000, None) == 2_000_000
    assert index_module.window_events(2_000_000, 10) == 1


def test_the_memory_limit_is_read_from_the_connection_in_bytes():
    from pipelines.resources import memory_limit_bytes
    con = duckdb.connect()
    try:
        for setting, expected in (("1GB", 10 ** 9), ("4GiB", 4 * 1024 ** 3), ("300MB", 300 * 10 ** 6)):
            con.execute(f"SET memory_limit = '{setting}'")
            assert abs(memory_limit_bytes(con) - expected) <= expected * 0.001   # DuckDB prints it rounded
    finally:
        con.close()


def test_a_copy_built_under_a_small_memory_limit_is_cut_into_windows_and_equals_the_copy_built_whole(
        small_store, tmp_path, monkeypatch):
    """The build asks its connection for the limit: under a small one it cuts the events into more date windows,
    and the copy is the same. (The small county's 10 k events fit any workable limit, so an event is taken to
    need 64 kB here.)"""
    store = tmp_path / "small.duckdb"
    shutil.copyfile(small_store, store)
    seen = []
    monkeypatch.setattr(index_module, "WINDOW_ROW_BYTES", 64_000)
    cut = index_module._date_windows
    monkeypatch.setattr(index_module, "_date_windows", lambda days, piece: seen.append(piece) or cut(days, piece))
    con = connect(store)
    try:
        events = con.execute("SELECT count(*) FROM events WHERE client_id IS NOT NULL").fetchone()[0]
        con.execute("SET memory_limit = '64GB'")
        ensure_client_index(con, force=True, piece_events=events + 1)
        whole = _copy_tables(con)
        con.execute("SET memory_limit = '160MB'")
        ensure_client_index(con, force=True, piece_events=events + 1)
        small = _copy_tables(con)
    finally:
        con.close()
    assert seen[0] == events + 1                       # under 64 GB: one window, the piece asked for
    assert abs(seen[1] - 2_500) <= 3 and seen[1] < events // 3   # 160 MB at 64 kB an event (DuckDB rounds it)
    assert small == whole
