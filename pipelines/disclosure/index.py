"""A client-sorted, already enriched, dictionary-coded copy of the events, so one answer does not scan the store.

Call `ensure_client_index(con)` after ingest, reference import and checks (before publishing the snapshot);
`answer_events` also builds it lazily on a writable connection, and falls back to the live tables on a
read-only one while the copy is stale. The check step calls `update_client_index` instead, which replaces only
the client-days whose verdicts the check changed (and those of newly ingested events), so that the step after one
new day costs what the day changed rather than a rebuild from every event, or a rewrite of the day's margin. DuckDB keeps min/max per row group; with the copy sorted by client_id
a look-up reads only the client's row group(s), and the worker, organisation, unit and basis joins are done
once at build time (planning those joins costs more than running them on a few thousand rows).

What an answer then costs is moving its rows out of DuckDB and into Polars, per column and per row. So:
- the copy keeps as columns only what is the event's own (source_event_id, the times, finding_ids,
  emergency) and stores every text column with at most MAX_CODED distinct values (source system, account,
  action, service task, document, purpose, the reference names, basis, ...) as a code in one USMALLINT array
  `codes`; `disclosure_index_layout` holds each column's slot and dictionary, and `decode` turns the codes
  back into text with one gather per column (one small array column is far cheaper to hand over than twenty
  text columns);
- one query says whether the copy is fresh, how many rows the client has and where their median date is
  (`read_index_state`); the layout is read once per build and connection;
- an answer of at least PARALLEL_ROWS rows is read as two date halves at once, the later half on a second
  cursor in a worker thread (DuckDB and Polars both release the GIL), which overlaps one half's transfer and
  decoding with the other's.
The answer is the same frame, value for value and type for type, as the live path gives (tests compare
them, and `lokivahti bench` does on the largest client). An ART index on events(client_id) did not help:
DuckDB uses it only for look-ups of very few rows.
"""

from __future__ import annotations

import weakref
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from ..resources import memory_limit_bytes
from ..snapshot import family_state, journal_days, journal_record
from ..sqlfiles import quote_identifier, quote_literal, read_sql, statement, transaction
from ..sqlfiles import steps as sql_steps

MAX_CODED = 65_000  # distinct values above which a text column stays a column (codes are USMALLINT, 0 = NULL)
TYPE_PREFIX = "disclosure_enum_"  # the transient ENUM types that do the coding while the copy is built


def enrich_sql() -> str:
    """The enrichment query (sql/disclosure/enrich.sql) over the temp relation `disclosure_rows`."""
    return read_sql("disclosure/enrich.sql")


def _fingerprint_sql() -> str:
    return read_sql("disclosure/index_fingerprint.sql")


@dataclass(frozen=True)
class Layout:
    """How to read the copy: the answer's columns in order; for a coded one, its slot in `codes` and its
    dictionary as a Polars Series with NULL in front (code 0)."""

    columns: tuple[str, ...]
    slots: dict[str, int]
    dictionaries: dict[str, pl.Series]


@dataclass(frozen=True)
class IndexState:
    """A fresh copy's layout, and what one answer needs from it: the client's rows and median date in the copy
    (0 and None for a client without events), and the connection's TimeZone."""

    layout: Layout
    row_count: int
    mid_date: date | None
    time_zone: str
    in_order: bool = True  # False once an update has appended client-days out of order: answers are sorted


_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> (build id, Layout)


@cache
def _state_sql() -> str:
    return read_sql("disclosure/index_state.sql").replace("__FINGERPRINT__", _fingerprint_sql())


def _read_layout(con: duckdb.DuckDBPyConnection) -> Layout:
    rows = con.execute(read_sql("disclosure/index_layout.sql")).fetchall()
    coded = [(name, slot, dictionary) for _, name, slot, dictionary in rows if slot is not None]
    return Layout(columns=tuple(name for _, name, _, _ in rows),
                  slots={name: slot for name, slot, _ in coded},
                  dictionaries={name: pl.Series(name, [None, *dictionary], dtype=pl.String)
                                for name, _, dictionary in coded})


def _cached_layout(con: duckdb.DuckDBPyConnection, build: int) -> Layout:
    try:
        cached = _LAYOUTS.get(con)
    except TypeError:  # a connection that cannot be weakly referenced: read the layout every time
        return _read_layout(con)
    if cached is None or cached[0] != build:
        cached = (build, _read_layout(con))
        _LAYOUTS[con] = cached
    return cached[1]


def read_index_state(con: duckdb.DuckDBPyConnection, client_id: str | None = None) -> IndexState | None:
    """The copy's state when it exists and was built from what the store holds now, else None (one query)."""
    try:
        rows = con.execute(_state_sql(), {"client_id": client_id}).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):  # never built, or built by an older version
        return None
    store = {key: value for side, key, value, _ in rows if side == "store"}
    copy = {key: value for side, key, value, _ in rows if side == "copy"}
    build = copy.pop("build", None)
    copy.pop("enrich_reference", None)  # what an update needs (update_client_index), not what an answer compares
    updated = copy.pop("updated", None) is not None
    if build is None or copy != store:
        return None
    try:
        layout = _cached_layout(con, build)
    except (duckdb.CatalogException, duckdb.BinderException):
        return None
    client = [(value, day) for side, _, value, day in rows if side == "client"]
    row_count, mid_date = client[0] if client else (0, None)
    time_zone = next(key for side, key, _, _ in rows if side == "session")
    return IndexState(layout=layout, row_count=row_count, mid_date=mid_date, time_zone=time_zone,
                      in_order=not updated)


def index_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the copy exists and was built from what the store holds now."""
    return read_index_state(con) is not None


PIECE_EVENTS = 2_000_000  # the build's default piece: events per date window and per client range (bounded peak)


def client_copy_piece_events(config: dict) -> int:
    """The build's piece from the configuration ([store] client_copy_piece_events), else PIECE_EVENTS."""
    return int(config.get("store", {}).get("client_copy_piece_events", PIECE_EVENTS) or PIECE_EVENTS)


WINDOW_ROW_BYTES = 1536  # the enrichment's memory per event of a date window, with room to spare (below)


def window_events(piece_events: int, memory_limit: int | None) -> int:
    """Events per date window of the build: the piece, or fewer, so that a window's enrichment fits in the
    memory limit. Measured on the 10 M replicated county: a 2 M-event window's statement (joins, then the sort
    by piece) held about 1.5 GB unconstrained and, under a 1 GB limit, did not always spill in time (an
    out-of-memory error in `lokivahti check --full`); a 900 k-event window's peak buffer memory was 873 MB, about
    970 bytes an event. At 1,536 bytes an event a 1 GB limit gives windows of about 650 k events, with a third of
    the limit to spare for a county whose rows are wider (long texts, many findings per event)."""
    if not memory_limit:
        return piece_events
    return max(1, min(piece_events, memory_limit // WINDOW_ROW_BYTES))


def _date_windows(days: list[tuple[date, int]], piece_events: int) -> list[tuple[date, date]]:
    """Consecutive date windows of at most `piece_events` events each (a day with more is a window alone)."""
    windows: list[tuple[date, date]] = []
    start, previous, total = None, None, 0
    for day, events in days:
        if start is not None and total + events > piece_events:
            windows.append((start, previous))
            start, total = None, 0
        if start is None:
            start = day
        total += events
        previous = day
    if start is not None:
        windows.append((start, previous))
    return windows


def _build(con: duckdb.DuckDBPyConnection, piece_events: int = PIECE_EVENTS) -> None:
    """Build the copy in bounded pieces, so that its peak memory does not grow with the store.

    Pass 1 enriches the events one date window at a time (events and explanations are stored in date order, so
    a window reads only its own row groups) into a scratch database beside the store (compressed on disk; a
    temp table would spill uncompressed), each row marked with the piece its client belongs to; the
    dictionaries are then read from those rows. Pass 2, in one transaction on the store, writes the copy one
    client range (piece) at a time, coded and sorted: the pieces follow each other in client order, so the copy
    is sorted as a whole and equals a build in one piece row for row (tests/test_disclosure_index.py). The
    scratch database is deleted when the build ends, whatever happens."""
    steps = dict(sql_steps("disclosure/client_index.sql"))
    store = con.execute(steps["store_path"]).fetchall()[0][0]
    scratch = Path(store).with_name(Path(store).name + ".copy-build") if store else None
    _remove_scratch(scratch)
    con.execute(steps["detach_scratch"])
    con.execute(steps["attach_scratch"].replace("__PATH__", quote_literal(str(scratch) if scratch else ":memory:")))
    journal_from = family_state(con, "client_copy")
    try:
        _stage(con, steps, piece_events)
        with transaction(con):
            _write(con, steps)
            journal_record(con, "client_copy", journal_from)  # every client-day, for the published snapshot
    finally:
        con.execute(steps["cleanup"])
        con.execute(steps["detach_scratch"])
        _remove_scratch(scratch)


def _remove_scratch(scratch: Path | None) -> None:
    if scratch is not None:
        for path in (scratch, scratch.with_name(scratch.name + ".wal")):
            path.unlink(missing_ok=True)


def _stage(con: duckdb.DuckDBPyConnection, steps: dict[str, str], piece_events: int) -> None:
    """Pass 1: the enriched rows of every date window into the scratch database (each statement commits)."""
    con.execute(steps["build_clients"], {"piece_events": piece_events})
    con.execute(steps["build_findings"])
    days = con.execute(steps["build_days"]).fetchall()
    windows = _date_windows(days, window_events(piece_events, memory_limit_bytes(con))) or [(date.min, date.min)]
    con.execute(read_sql("disclosure/all_rows.sql"))
    enrich = enrich_sql()
    con.execute(steps["build_window_from"], {"date_from": windows[0][0]})
    con.execute(steps["build_window_to"], {"date_to": windows[0][0]})
    con.execute(steps["build_rows"].replace("__ENRICH__", enrich))
    for date_from, date_to in windows:
        con.execute(steps["build_window_from"], {"date_from": date_from})
        con.execute(steps["build_window_to"], {"date_to": date_to})
        con.execute(steps["build_rows_window"].replace("__ENRICH__", enrich))


def _write(con: duckdb.DuckDBPyConnection, steps: dict[str, str]) -> None:
    """Pass 2: the dictionaries, then the copy and its clients' counts piece by piece, the layout, the state."""
    con.execute(steps["drop"])
    for (name,) in con.execute(steps["old_types"]).fetchall():  # left by a build of an older version
        con.execute(steps["drop_type"].replace("__TYPE__", quote_identifier(name)))
    columns = con.execute(steps["columns"]).fetchall()
    types: dict[str, str] = {}
    for column in (name for name, codable in columns if codable):
        type_name = quote_identifier(TYPE_PREFIX + column)
        con.execute(steps["code_type"].replace("__TYPE__", type_name).replace("__COLUMN__", quote_identifier(column))
                    .replace("__LIMIT__", str(MAX_CODED + 1)))
        if con.execute(steps["type_size"].replace("__TYPE__", type_name)).fetchall()[0][0] <= MAX_CODED:
            types[column] = type_name
        else:
            con.execute(steps["drop_type"].replace("__TYPE__", type_name))
    coded = list(types)
    select = [quote_identifier(name) for name, _ in columns if name not in types]
    if coded:
        codes = ", ".join(f"coalesce(enum_code(CAST({quote_identifier(c)} AS {types[c]})) + 1, 0)::USMALLINT" for c in coded)
        select.append(f"[{codes}]::USMALLINT[{len(coded)}] AS codes")
    columns_sql = ", ".join(select)
    con.execute(steps["copy"].replace("__COLUMNS__", columns_sql))
    con.execute(steps["clients"])
    con.execute(steps["client_days"])
    for (piece,) in con.execute(steps["build_pieces"]).fetchall():
        con.execute(steps["copy_piece"].replace("__COLUMNS__", columns_sql), {"piece": piece})
        con.execute(steps["clients_piece"], {"piece": piece, "parallel_rows": PARALLEL_ROWS})
        con.execute(steps["client_days_piece"], {"piece": piece})
    layout = []
    for position, (name, _) in enumerate(columns):
        if name in types:
            layout.append(f"({position}, {quote_literal(name)}, {coded.index(name)}, "
                          f"enum_range(NULL::{types[name]})::VARCHAR[])")
        else:
            layout.append(f"({position}, {quote_literal(name)}, NULL::INTEGER, NULL::VARCHAR[])")
    con.execute(steps["layout"].replace("__LAYOUT__", ", ".join(layout)))
    for type_name in types.values():
        con.execute(steps["drop_type"].replace("__TYPE__", type_name))
    _record_state(con, steps)


def _record_state(con: duckdb.DuckDBPyConnection, steps: dict[str, str]) -> None:
    con.execute(steps["state"].replace("__FINGERPRINT__", _fingerprint_sql())
                .replace("__ENRICH_REFERENCE__", steps["enrich_reference"]))


def ensure_client_index(con: duckdb.DuckDBPyConnection, *, force: bool = False,
                        piece_events: int = PIECE_EVENTS) -> bool:
    """(Re)build the client-sorted copy when it is missing or stale; returns True when it was built.
    `piece_events`: the events per piece of the build (config store.client_copy_piece_events)."""
    if not force and index_is_fresh(con):
        return False
    _build(con, piece_events)
    return True


# what a check may change in the store besides the client-days it examined: new events (their client-days are
# added to the update), their ingest runs, the check run and its finding rows, and a reference import (that the
# enrichment's own reference tables are unchanged is checked apart, by content)
_UPDATABLE = {"events", "ingest_run", "check_run", "finding_events", "reference_import", "model_run"}


MAX_UPDATES = 30  # updates after which the copy is built afresh: each appends a run of rows a look-up may read


def update_client_index(con: duckdb.DuckDBPyConnection, touched: str, *, previous_check_run: int | None,
                        rebuild: bool = False, piece_events: int = PIECE_EVENTS) -> str:
    """Bring the copy up to date after one check: replace only the client-days it touched and those of the
    events ingested since the copy was built, when the copy was fresh after the previous check
    (`previous_check_run`) and nothing else it depends on has changed; otherwise rebuild it.

    `touched`: the name of a relation of (client_id, event_date) whose rows an incremental check changed, client_id
    as the copy keys it (a personal identity code upper-cased; a full check keeps none, sql/checks/_runner.sql
    `forget_touched`, and without it the copy is built); `rebuild`: build afresh anyway (after a full check, which
    touched everything; also after MAX_UPDATES updates, whose appended runs of rows slow a look-up down);
    `piece_events`: the events per piece of a build (ensure_client_index). Returns
    "fresh", "updated" or "built". The copy then holds the
    same rows and values as a rebuild (tests/test_disclosure_index.py compares the answers); only the
    dictionaries' order and the rows' physical order differ, which no answer shows."""
    if index_is_fresh(con):
        return "fresh"
    steps = dict(sql_steps("disclosure/client_index.sql"))
    try:
        recorded = dict(con.execute(steps["update_recorded"]).fetchall())
    except (duckdb.CatalogException, duckdb.BinderException):
        recorded = None
    # no touched client-days (after a full check): only a build can bring the copy up to date
    rebuild = rebuild or not con.execute(steps["update_touched_exists"], {"name": touched}).fetchone()[0]
    if (rebuild or recorded is None or (recorded.get("updated") or 0) >= MAX_UPDATES
            or not _updatable(con, steps, recorded, previous_check_run)):
        _build(con, piece_events)
        return "built"
    try:
        with transaction(con):
            _update(con, steps, touched, recorded.get("ingest_run"), (recorded.get("updated") or 0) + 1)
    except _TooManyValues:
        _build(con, piece_events)
        return "built"
    return "updated"


def _updatable(con, steps: dict[str, str], recorded: dict, previous_check_run: int | None) -> bool:
    now = dict(con.execute(_fingerprint_sql()).fetchall())
    if any(recorded.get(key) != value for key, value in now.items() if key not in _UPDATABLE):
        return False
    if "model_run" not in recorded:  # built before the score step kept the copy's model cases: they may be stale
        return False
    if not con.execute(steps["update_has_client_days"]).fetchall()[0][0]:  # built before it kept its client-days
        return False
    if previous_check_run is None or recorded.get("check_run") != previous_check_run:
        return False
    enrich_reference = con.execute(steps["enrich_reference"]).fetchall()[0][0]
    if recorded.get("enrich_reference") != enrich_reference:
        return False
    after_run = recorded.get("ingest_run") or 0
    new_events = con.execute(steps["update_new_events"], {"after_run": after_run}).fetchall()[0][0]
    return (recorded.get("events") or 0) + new_events == now["events"]


def _update(con, steps: dict[str, str], touched: str, after_run: int | None, updates: int) -> None:
    journal_from = family_state(con, "client_copy")
    con.execute(steps["update_touched"].replace("touched_days", touched), {"after_run": after_run or 0})
    con.execute(read_sql("disclosure/touched_rows.sql"))
    con.execute(steps["enriched"].replace("__ENRICH__", enrich_sql()))
    layout = con.execute(steps["update_layout"]).fetchall()
    coded = [(position, name) for position, (name, slot, _) in enumerate(layout) if slot is not None]
    if coded:
        con.execute(steps["update_codes"])
        values = " UNION ALL ".join(
            f"SELECT DISTINCT {position} AS position, {quote_identifier(name)} AS value FROM disclosure_enriched "
            f"WHERE {quote_identifier(name)} IS NOT NULL" for position, name in coded)
        con.execute(steps["update_new_values"].replace("__VALUES__", values))
        if con.execute(steps["update_too_many"], {"max_coded": MAX_CODED}).fetchall()[0][0]:
            raise _TooManyValues
        if con.execute(steps["update_new_count"]).fetchall()[0][0]:
            con.execute(steps["update_dictionaries"])
            con.execute(steps["update_codes"])
    select, joins, codes = [], [], []
    for position, (name, slot, _) in enumerate(layout):
        if slot is None:
            select.append(f"d.{quote_identifier(name)}")
            continue
        joins.append(f"LEFT JOIN (SELECT value, code FROM disclosure_codes WHERE position = {position}) AS c{position} "
                     f"ON c{position}.value = d.{quote_identifier(name)}")
        codes.append((slot, f"coalesce(c{position}.code, 0)::USMALLINT"))
    if codes:
        array = ", ".join(code for _, code in sorted(codes))
        select.append(f"[{array}]::USMALLINT[{len(codes)}] AS codes")
    con.execute(steps["update_present"])
    if con.execute(steps["update_present_count"]).fetchall()[0][0]:
        con.execute(steps["update_delete"])
    con.execute(steps["update_insert"].replace("__COLUMNS__", ", ".join(select)).replace("__JOINS__", " ".join(joins)))
    con.execute(steps["update_client_days"])
    con.execute(steps["update_counts"])
    con.execute(steps["update_client_rows"], {"parallel_rows": PARALLEL_ROWS})
    journalled = journal_days(con, "disclosure_touched")  # the client-days replaced, for the published snapshot
    con.execute(steps["update_cleanup"])
    _record_state(con, steps)
    con.execute(steps["update_mark"], {"updates": updates})
    journal_record(con, "client_copy", journal_from, seq=journalled)


class _TooManyValues(Exception):
    """A coded column outgrew its codes in an update: the copy is rebuilt (its column stays text then)."""


def decode(table: pa.Table, layout: Layout, client_id: str) -> pl.DataFrame:
    """The answer frame from the copy's rows: codes back to text, client_id added, columns in answer order.

    The codes array (rows x slots) is transposed into one contiguous column of codes per slot, and each coded
    column is one gather from its dictionary, all in one Polars select (the columns decode in parallel).
    client_id is not read back from the copy: every row is the client's."""
    has_codes = "codes" in table.column_names
    frame = pl.from_arrow(table.drop_columns(["codes"]) if has_codes else table)
    if has_codes and layout.slots:
        codes = table.column("codes").combine_chunks()
        by_slot = np.ascontiguousarray(
            codes.flatten().to_numpy(zero_copy_only=False).reshape(-1, codes.type.list_size).T)
        frame = frame.hstack([pl.Series(f"__code_{name}", by_slot[slot]) for name, slot in layout.slots.items()])
    exprs = []
    for name in layout.columns:
        if name == "client_id":
            exprs.append(pl.lit(client_id, dtype=pl.String).alias(name))
        elif name in layout.slots:
            exprs.append(pl.lit(layout.dictionaries[name]).gather(pl.col(f"__code_{name}")).alias(name))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


PARALLEL_ROWS = 20_000  # a client with at least this many rows in the copy is read as two halves at once


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="disclosure-answer")


@cache
def _answer_sql() -> str:
    return read_sql("disclosure/answer_from_copy.sql")


ANSWER_ORDER = ["event_time", "source_system", "source_event_id"]  # as answer.py's, which imports this module


def _read(con: duckdb.DuckDBPyConnection, params: dict, layout: Layout, in_order: bool = True) -> pl.DataFrame:
    rows = con.sql(_answer_sql(), params=params).to_arrow_table()
    frame = decode(rows, layout, params["client_id"])
    return frame if in_order else frame.sort(ANSWER_ORDER)


def read_answer(con: duckdb.DuckDBPyConnection, state: IndexState, client_id: str, date_from: date,
                date_to: date) -> pl.DataFrame:
    """One client's answer rows from the fresh copy, decoded, in the answer's order.

    When the client has many rows and the period spans their median date, the rows up to that date are read
    here and the later ones at the same time on a second cursor (with the connection's TimeZone) in a worker
    thread; the copy's order puts the first half before the second."""
    params = {"client_id": client_id, "date_from": date_from, "date_to": date_to}
    mid = state.mid_date
    if state.row_count < PARALLEL_ROWS or mid is None or not date_from <= mid < date_to:
        return _read(con, params, state.layout, state.in_order)
    cursor = con.cursor()
    try:
        cursor.execute(statement("store/session.sql", "session_time_zone"), {"v": state.time_zone})
        later = _pool().submit(_read, cursor, dict(params, date_from=mid + timedelta(days=1)), state.layout,
                             state.in_order)
        try:
            first = _read(con, dict(params, date_to=mid), state.layout, state.in_order)
        except BaseException:
            wait([later])  # the cursor is closed below: not while the worker still reads from it
            raise
        return pl.concat([first, later.result()])
    finally:
        cursor.close()
