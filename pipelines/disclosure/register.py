"""The register of "who viewed my data" requests (lokitietojen selvityspyynnöt) and their due dates.

The law gives the county at the latest two months (703/2023 11 §); the county's own target is shorter.
Requests live in the work store (SQLite beside the DuckDB store, table `requests` of sql/work/001_work.sql),
so the request handler's dashboard page and the CLI can both write while the pipeline holds the main store.
"""

from __future__ import annotations

import calendar
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from ..config import load_config
from ..sqlfiles import read_sql, transaction
from ..workstore import connect_work

RELATIONS = ("self", "guardian", "representative")
STATUSES = ("received", "in_progress", "held_for_decision", "refused", "delivered")
OPEN_STATUSES = ("received", "in_progress", "held_for_decision")


@dataclass(frozen=True)
class Request:
    request_id: str
    received_on: date
    client_id: str
    relation: str
    period_from: date
    period_to: date
    due_on: date
    internal_due_on: date
    status: str = "received"
    requester_name: str | None = None
    handler: str | None = None
    delivered_on: date | None = None
    special_reason: str | None = None
    decision: str | None = None
    repeated_of: str | None = None
    language: str = "fi"
    created_at: str = ""
    professional_decision: str | None = None   # release | refuse, for a request held for decision
    professional_by: str | None = None
    professional_reason: str | None = None


_DATE_FIELDS = ("received_on", "period_from", "period_to", "due_on", "internal_due_on", "delivered_on")
_COLUMNS = [f.name for f in fields(Request)]


def add_months(d: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's end (31.12. + 2 → 28./29.2.)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def due_dates(received_on: date, config: dict | None = None) -> tuple[date, date]:
    """(statutory due date, internal target date) of a request received on `received_on`."""
    cfg = (config or load_config())["requests"]
    return (add_months(received_on, int(cfg["statutory_months"])),
            received_on + timedelta(days=int(cfg["internal_target_days"])))


def mask_client_id(client_id: str | None) -> str:
    """010190-9*** : enough for the handler to tell requests apart, never the whole identity code."""
    if not client_id:
        return ""
    return client_id[:8] + "*" * max(len(client_id) - 8, 0)


def _to_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _connect(work_path):
    """The work store with this package's own columns added (sql/work/002_request_decisions.sql)."""
    con = connect_work(work_path)
    have = {r[1] for r in con.execute("PRAGMA table_info(requests)").fetchall()}
    if "professional_decision" not in have:
        try:
            con.executescript("BEGIN;\n" + read_sql("work/002_request_decisions.sql") + "\nCOMMIT;")
        except sqlite3.OperationalError:  # another process added them a moment ago
            con.execute("ROLLBACK") if con.in_transaction else None
    return con


def _from_row(row: tuple) -> Request:
    values = dict(zip(_COLUMNS, row))
    for name in _DATE_FIELDS:
        values[name] = _to_date(values[name])
    return Request(**values)


def _select(con, where: str = "", params: list | None = None) -> list[Request]:
    rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM requests {where}", params or []).fetchall()
    return [_from_row(r) for r in rows]


def _next_id(con, received_on: date) -> str:
    prefix = f"LS-{received_on.year}-"
    n = con.execute("SELECT count(*) FROM requests WHERE request_id LIKE ?", [prefix + "%"]).fetchone()[0]
    while True:
        n += 1
        candidate = f"{prefix}{n:04d}"
        if not con.execute("SELECT 1 FROM requests WHERE request_id = ?", [candidate]).fetchone():
            return candidate


def earlier_request_within(con, client_id: str, received_on: date, window_days: int) -> str | None:
    """The latest earlier request of the same client received within the repeat window, if any."""
    start = (received_on - timedelta(days=window_days)).isoformat()
    row = con.execute(
        "SELECT request_id FROM requests WHERE client_id = ? AND received_on BETWEEN ? AND ? "
        "ORDER BY received_on DESC, request_id DESC LIMIT 1",
        [client_id, start, received_on.isoformat()],
    ).fetchone()
    return row[0] if row else None


def register_request(work_path, *, client_id: str, relation: str, period_from, period_to, received_on=None,
                     requester_name: str | None = None, handler: str | None = None,
                     special_reason: str | None = None, language: str = "fi", config: dict | None = None) -> Request:
    """Record a new request with its statutory and internal due dates; marks a repeat within the window."""
    if relation not in RELATIONS:
        raise ValueError(f"requester relation must be one of {', '.join(RELATIONS)}")
    received = _to_date(received_on) or date.today()
    start, end = _to_date(period_from), _to_date(period_to)
    if end < start:
        raise ValueError("the requested period ends before it starts")
    cfg = config or load_config()
    due, internal = due_dates(received, cfg)
    with closing(_connect(work_path)) as con, transaction(con, begin="BEGIN IMMEDIATE"):
        repeated = earlier_request_within(con, client_id, received, int(cfg["requests"]["repeat_window_days"]))
        request = Request(
            request_id=_next_id(con, received), received_on=received, client_id=client_id, relation=relation,
            period_from=start, period_to=end, due_on=due, internal_due_on=internal, status="received",
            requester_name=requester_name, handler=handler, special_reason=special_reason,
            repeated_of=repeated, language=language,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(request).items()}
        con.execute(
            f"INSERT INTO requests ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})",
            [values[c] for c in _COLUMNS],
        )
    return request


def get_request(work_path, request_id: str) -> Request:
    with closing(_connect(work_path)) as con:
        found = _select(con, "WHERE request_id = ?", [request_id])
    if not found:
        raise KeyError(f"no request {request_id}")
    return found[0]


_UPDATABLE = {"status", "handler", "delivered_on", "special_reason", "decision", "language", "requester_name",
              "professional_decision", "professional_by", "professional_reason"}


def update_request(work_path, request_id: str, **changes) -> Request:
    """Change the status, handler, delivered date, special reason or decision text of a request."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in STATUSES:
        raise ValueError(f"unknown request status {changes['status']!r}")
    if changes:
        values = [(v.isoformat() if isinstance(v, date) else v) for v in changes.values()]
        with closing(_connect(work_path)) as con:
            con.execute(f"UPDATE requests SET {', '.join(f'{k} = ?' for k in changes)} WHERE request_id = ?",
                        [*values, request_id])
    return get_request(work_path, request_id)


def record_professional_decision(work_path, request_id: str, *, release: bool, by: str,
                                 reason: str | None = None) -> Request:
    """A professional's decision on a held request: release it, or refuse it by a written decision."""
    if not (by or "").strip():
        raise ValueError("a professional's decision needs the decider's name")
    return update_request(work_path, request_id, professional_decision="release" if release else "refuse",
                          professional_by=by.strip(), professional_reason=reason, status="in_progress")


def list_requests(work_path, today=None, config: dict | None = None) -> pl.DataFrame:
    """Every request, oldest due first, with days_left, `overdue` and `soon_due` for open requests.

    Open = received, in progress or held for decision. Overdue: today is past the statutory due date.
    Soon due: due within `[requests] soon_due_days` days. The client id is masked.
    """
    today = _to_date(today) or date.today()
    soon = int((config or load_config())["requests"]["soon_due_days"])
    schema = {
        "request_id": pl.Utf8, "received_on": pl.Date, "client": pl.Utf8, "relation": pl.Utf8,
        "period_from": pl.Date, "period_to": pl.Date, "due_on": pl.Date, "internal_due_on": pl.Date,
        "status": pl.Utf8, "handler": pl.Utf8, "delivered_on": pl.Date, "repeated_of": pl.Utf8,
        "days_left": pl.Int64, "overdue": pl.Boolean, "soon_due": pl.Boolean,
    }
    if not Path(work_path).exists():
        return pl.DataFrame(schema=schema)
    with closing(_connect(work_path)) as con:
        requests = _select(con, "ORDER BY due_on, request_id")
    rows = []
    for r in requests:
        is_open = r.status in OPEN_STATUSES
        left = (r.due_on - today).days
        rows.append({
            "request_id": r.request_id, "received_on": r.received_on, "client": mask_client_id(r.client_id),
            "relation": r.relation, "period_from": r.period_from, "period_to": r.period_to, "due_on": r.due_on,
            "internal_due_on": r.internal_due_on, "status": r.status, "handler": r.handler,
            "delivered_on": r.delivered_on, "repeated_of": r.repeated_of, "days_left": left,
            "overdue": is_open and left < 0, "soon_due": is_open and 0 <= left <= soon,
        })
    return pl.DataFrame(rows, schema=schema)
