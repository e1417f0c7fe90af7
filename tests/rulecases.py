"""Rule test cases (tests/checks/<rule_id>.yaml, and the case book's loader in tests/casebook/): small tables of reference data and events with the
findings expected of one rule, positive and negative, in the Sigma style of regression data beside rules.

A case file holds `rule`, optional `reference` rows added to the base county (tests/checks/_base.yaml),
and `cases`, each with a `name`, optional `reference` rows of its own, `events` and the expected result:
`flagged` (event ids the rule must put in a finding; [] = none) or, for key rules, `keys`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import yaml

from pipelines.store import migrate

HELSINKI = ZoneInfo("Europe/Helsinki")
REF_TABLES = (
    "organisations", "staff", "accounts", "role_permissions", "involvement", "provider_authorisations",
    "clients", "disclosure_prohibitions", "disclosure_permissions",
)
_REF_DEFAULTS = {
    "clients": {"security_prohibition": False, "placement_secret": False},
}


@dataclass
class Case:
    rule: str
    name: str
    reference: dict
    events: list[dict]
    flagged: list[str] | None = None
    keys: list[str] | None = None
    aliases: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)      # [checks] overrides (thresholds)
    conflicts: list[dict] = field(default_factory=list)  # rows of event_conflicts


def _alias(value, aliases: dict):
    if isinstance(value, str) and value in aliases:
        return aliases[value]
    return value


def read_yaml(path: Path):
    """A case file, parsed by libyaml's C loader where PyYAML has it: the pure-Python loader spent about a
    second of every test process's collection on the case books (and xdist collects once per worker)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_cases(path: Path, base_path: Path) -> list[Case]:
    base = read_yaml(base_path)
    spec = read_yaml(path)
    aliases = base.get("aliases", {})
    out = []
    for c in spec["cases"]:
        reference = {t: list(base.get(t, [])) for t in REF_TABLES}
        for extra in (spec.get("reference") or {}, c.get("reference") or {}):
            for table, rows in extra.items():
                if table.startswith("replace_"):
                    reference[table[len("replace_"):]] = list(rows)
                else:
                    reference[table] = reference.get(table, []) + list(rows)
        out.append(Case(spec["rule"], c["name"], reference, c.get("events") or [], c.get("flagged"),
                        c.get("keys"), aliases, {**(spec.get("config") or {}), **(c.get("config") or {})},
                        c.get("conflicts") or []))
    return out


def _value(v):
    if v == "" or v is None:
        return None
    return v


_COLUMNS: dict[str, list[str]] = {}


def _columns(con, table: str) -> list[str]:
    """Column names of a store table (the schema is the same in every case's store: read once)."""
    if table not in _COLUMNS:
        _COLUMNS[table] = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    return _COLUMNS[table]


def load_case_into(con: duckdb.DuckDBPyConnection, case: Case, ingested_at: datetime | None = None,
                   default_document: str | None = None) -> None:
    """Write the case's reference rows and events into an empty migrated store."""
    for table, rows in case.reference.items():
        if not rows:
            continue
        cols = _columns(con, f"ref_{table}")
        values = []
        for line_no, row in enumerate(rows, start=2):
            row = {**_REF_DEFAULTS.get(table, {}), **row}
            values += [line_no if c == "line_no" else _value(_alias(row.get(c), case.aliases)) for c in cols]
        placeholders = f"({', '.join('?' for _ in cols)})"
        con.execute(f"INSERT INTO ref_{table} VALUES {', '.join(placeholders for _ in rows)}", values)
    con.execute("INSERT INTO reference_imports VALUES (1, 'case', 'fp', now(), 0, 0)")
    runs = sorted({int(e.get("run", 1)) for e in case.events} or {1})
    for _ in range(max(runs)):  # keep the ingest sequence ahead of the case's own run ids
        con.execute("SELECT nextval('ingest_run_seq')")
    for run in runs:
        con.execute(
            "INSERT INTO ingest_runs (run_id, path, file_name, format, started_at, status) "
            "VALUES (?, 'case', 'case', 'canonical_csv', ?, 'done')",
            [run, ingested_at or datetime(2030, 1, 1, tzinfo=UTC)],
        )
    for n, e in enumerate(case.events, start=1):
        insert_event(con, e, case.aliases, record_no=n, default_document=default_document)
    for c in case.conflicts:
        con.execute("INSERT INTO event_conflicts VALUES (?, ?, 1, NULL, ?, now())",
                    [c.get("source", "sys"), str(c["id"]), c.get("differing", "client_id")])


_EVENT_INSERT = (
    "INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, account, "
    "client_id, action, service_task, document, purpose, emergency, channel, organisation_id, unit_id, "
    "controller_id, recipient_organisation_id, outcome, session_id, search_criteria, record_count, "
    "time_flag, run_id, record_no, raw, legal_basis, data_description, controller_defaulted) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "NULL, NULL, NULL, ?, ?, ?, NULL, ?, ?, ?)"
)


def _event_values(e: dict, aliases: dict, record_no: int, default_document: str | None) -> list:
    local = datetime.fromisoformat(str(e["time"]))
    instant = local.replace(tzinfo=HELSINKI).astimezone(UTC)
    purpose = e.get("purpose", "client_relationship")
    return [e.get("source", "sys"), str(e["id"]), instant, local, local.date(), _alias(e.get("account"), aliases),
            _alias(e.get("client"), aliases), e.get("action", "read"), e.get("service_task", "child_welfare"),
            e.get("document", default_document), purpose, bool(e.get("emergency", False)) or purpose == "emergency",
            e.get("channel", "native"), e.get("organisation"), None, e.get("controller", "HVA"),
            e.get("recipient"), e.get("outcome", "success"), e.get("time_flag"), int(e.get("run", 1)), record_no,
            e.get("legal_basis"), e.get("data"), bool(e.get("controller_defaulted", False))]


def insert_event(con, e: dict, aliases: dict, record_no: int = 1, default_document: str | None = None) -> None:
    """One event from a case: `time` is Helsinki wall-clock time (YYYY-MM-DDTHH:MM[:SS]); `data` is the
    data description, `legal_basis` the basis a disclosure log names."""
    con.execute(_EVENT_INSERT, _event_values(e, aliases, record_no, default_document))


_EVENT_COLUMNS = (
    "source_system", "source_event_id", "event_time", "event_local", "event_date", "account", "client_id", "action",
    "service_task", "document", "purpose", "emergency", "channel", "organisation_id", "unit_id", "controller_id",
    "recipient_organisation_id", "outcome", "time_flag", "run_id", "record_no", "legal_basis", "data_description",
    "controller_defaulted",
)


def insert_events(con, events: list[dict], aliases: dict, first_record_no: int = 1) -> None:
    """Many events as insert_event writes them, in one statement from a frame (a test that walks thousands of
    combinations would otherwise spend its time on one commit per event)."""
    import polars as pl

    rows = [_event_values(e, aliases, n, None) for n, e in enumerate(events, start=first_record_no)]
    frame = pl.DataFrame(rows, schema=list(_EVENT_COLUMNS), orient="row", infer_schema_length=None)
    con.register("case_events_frame", frame)
    try:
        con.execute(f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) SELECT * FROM case_events_frame")
    finally:
        con.unregister("case_events_frame")


def memory_store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    migrate(con)
    return con


_SHARED: duckdb.DuckDBPyConnection | None = None


@contextmanager
def case_store() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty migrated store for one case. Migrating a store per case cost as much as judging the case, so
    each test process migrates one in-memory store and every case runs in a transaction of its own that is
    rolled back afterwards: its rows, temp tables and findings are gone before the next case begins."""
    global _SHARED
    if _SHARED is None:
        _SHARED = memory_store()
    _SHARED.execute("BEGIN TRANSACTION")
    try:
        yield _SHARED
    finally:
        _SHARED.execute("ROLLBACK")


def parse_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
