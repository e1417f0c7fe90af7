"""A county of any size written by DuckDB set operations: the large and extra-large benchmark counties.

The event-by-event generator (run.py) builds every event as a Python object, which is what lets it plant
and verify cases, but costs minutes per ten million events. Here the same county shape (units, roles,
head counts, permissions and documents of county.py and background.py) is drawn in SQL
(sql/generate/county.sql, events.sql): staff in units with caseloads, involvement chains that follow a
post's change of holder, providers with authorisations; then per month staff-days, visits and events,
written straight to the canonical event CSV (events/canonical/<source>_<YYYY-MM>.csv) and the reference
folder the ingest reads.

Deterministic: every draw is a hash of (seed, purpose, the row's own keys), never a random stream consumed
in thread order, and every file is written in a total order; the same seed and DuckDB version give
byte-identical files for any thread count. No planted labels: a small share of visits goes to a client outside
the worker's pool (unlabelled findings), so the check's cost at this size is realistic, not its recall.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from ..sqlfiles import bind, run_steps, statement, steps
from .background import DOCUMENTS
from .county import (
    DASHBOARD_ROLES,
    HEADCOUNT,
    ORGANISATIONS,
    ROLE_PERMISSIONS,
    TITLES,
    UNITS,
    dashboard_account,
)
from .identity import FIRST_NAMES, STREETS, SURNAMES, TOWNS
from .rhythm import finnish_holidays
from .sizes import SIZES
from .writers import CANONICAL, PREFIX

REFERENCE_FILES = ("organisations", "units", "staff", "accounts", "role_permissions", "involvement",
                   "provider_authorisations", "clients", "disclosure_prohibitions", "disclosure_permissions")
SOURCES = ("pro_consona", "effica", "portal", "lifecare", "casem", "pegasos")
AUDITORS = (("TSV", "data_protection_officer"), ("KIRJ", "request_handler"))


@dataclass(frozen=True)
class Shape:
    """How busy the county is: mean client visits per staff-day and the most reads in one visit."""
    visits: float
    reads: int
    stray: float = 0.0003


# ~10 M events (a large county's year of light logging) and ~100 M (about 200 logged accesses per staff-day).
# small: the same machinery on the small county's three months (the tests' size).
SHAPES = {"small": Shape(visits=10.0, reads=3), "large": Shape(visits=12.0, reads=3),
          "xlarge": Shape(visits=32.0, reads=18)}


@dataclass
class VectorisedSummary:
    events: Counter
    staff: int
    clients: int
    files: int


def _static_tables(con) -> None:
    """The county's fixed shape, registered from the modules that describe it for the other generator."""
    def put(name: str, frame: pl.DataFrame) -> None:
        con.from_arrow(frame.to_arrow()).create(name)  # a scratch database: dropped with the file

    put("gen_organisations", pl.DataFrame([(i, *o) for i, o in enumerate(ORGANISATIONS)],
                                          schema=["ord", "organisation_id", "name", "kind"], orient="row"))
    put("gen_units", pl.DataFrame([(i, *u) for i, u in enumerate(UNITS)],
                                  schema=["ord", "unit_id", "organisation_id", "name", "service_task"], orient="row"))
    head = [(unit, role, count, list(sources)) for unit, rows in HEADCOUNT.items() for role, count, sources in rows]
    head += [(unit, role, 1, ["lokivahti"]) for unit, role in AUDITORS]
    put("gen_headcount", pl.DataFrame([(i, *h) for i, h in enumerate(head)],
                                      schema={"ord": pl.Int64, "unit_id": pl.Utf8, "role": pl.Utf8,
                                              "head_count": pl.Int64, "sources": pl.List(pl.Utf8)}, orient="row"))
    put("gen_dashboard_accounts", pl.DataFrame([(r, dashboard_account(r)) for r in DASHBOARD_ROLES],
                                               schema=["role", "account"], orient="row"))
    put("gen_role_permissions", pl.DataFrame([(i, *r) for i, r in enumerate(ROLE_PERMISSIONS)],
                                             schema=["ord", "role", "service_task", "action", "requires_involvement"],
                                             orient="row"))
    put("gen_titles", pl.DataFrame(list(TITLES.items()), schema=["role", "title"], orient="row"))
    put("gen_first_names", pl.DataFrame({"i": range(len(FIRST_NAMES)), "name": FIRST_NAMES}))
    put("gen_surnames", pl.DataFrame({"i": range(len(SURNAMES)), "name": SURNAMES}))
    put("gen_streets", pl.DataFrame({"i": range(len(STREETS)), "name": STREETS}))
    put("gen_towns", pl.DataFrame({"i": range(len(TOWNS)), "name": [t[0] for t in TOWNS],
                                   "post": [t[1] for t in TOWNS]}))
    put("gen_documents", pl.DataFrame({"task": list(DOCUMENTS), "docs": [list(v) for v in DOCUMENTS.values()]}))
    put("gen_prefixes", pl.DataFrame({"source_system": list(SOURCES),
                                      "prefix": [PREFIX.get(s, s + "-") for s in SOURCES]}))


def _q(name: str) -> str:
    return statement("generate/progress.sql", name)


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out, d = [], start
    while d <= end:
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        out.append((d, min(end, nxt - timedelta(days=1))))
        d = nxt
    return out


def _copy(con, query: str, params: dict, path: Path, columns: tuple[str, ...] | None = None) -> None:
    """Write one query's rows as CSV in the query's own order (DuckDB keeps it: preserve_insertion_order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = con.sql(query, params=bind(query, params) or None)
    if columns is not None and tuple(rel.columns) != columns:
        raise RuntimeError(f"sql/generate/files.sql: {path.name} would have columns {rel.columns}, not {columns}")
    rel.write_csv(str(path), header=True)


def generate_vectorised(size_name: str, seed: int, out: Path, *, threads: int | None = None,
                        memory_limit: str = "2GB", progress=None) -> VectorisedSummary:
    """Write the county of `size_name` (large, xlarge) into out/reference and out/events/canonical."""
    size, shape = SIZES[size_name], SHAPES[size_name]
    out = Path(out)
    for sub in ("reference", "events", "labels"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    work = out / ".generate.duckdb"
    work.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(work))
    try:
        run_steps(con, "generate/session.sql", {
            "memory_limit": memory_limit, "gen_seed": int(seed), "gen_start": size.start, "gen_end": size.end,
            "gen_staff_scale": float(size.staff_scale), "gen_client_scale": float(size.client_scale),
            "gen_visits": float(shape.visits), "gen_reads": int(shape.reads), "gen_stray": float(shape.stray)})
        if threads:
            con.execute(statement("store/session.sql", "threads"), {"v": int(threads)})
        _static_tables(con)
        hol = pl.DataFrame({"day": sorted(finnish_holidays(size.start, size.end))}, schema={"day": pl.Date})
        con.from_arrow(hol.to_arrow()).create("gen_holidays")
        run_steps(con, "generate/county.sql")
        distinct, total = con.execute(_q("client_codes")).fetchall()[0]
        if distinct != total:  # the identity-code construction is injective; this guards a changed size
            raise RuntimeError(f"vectorised county: {total - distinct} clients share an identity code")
        files = dict(steps("generate/files.sql"))
        for name in REFERENCE_FILES:
            _copy(con, files[name], {}, out / "reference" / f"{name}.csv")
        events: Counter = Counter()
        n_files = 0
        for first, last in _months(size.start, size.end):
            con.execute(_q("month_start"), {"v": first})
            con.execute(_q("month_end"), {"v": last})
            run_steps(con, "generate/events.sql")
            present = con.execute(_q("month_sources")).fetchall()
            for src, n in present:
                _copy(con, files["events"], {"source": src},
                      out / "events" / "canonical" / f"{src}_{first:%Y-%m}.csv", CANONICAL)
                events[src] += n
                n_files += 1
            if progress:
                progress(first, sum(events.values()))
        staff, clients = con.execute(_q("totals")).fetchall()[0]
    finally:
        con.close()
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
    return VectorisedSummary(events=events, staff=staff, clients=clients, files=n_files)

