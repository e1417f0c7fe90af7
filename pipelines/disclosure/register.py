"""The register of "who viewed my data" requests (lokitietojen selvityspyynnöt) and their due dates.

The law gives the county at the latest two months (703/2023 11 §); the county's own target is shorter.
Requests live in the work store (SQLite beside the DuckDB store, table `requests` of sql/work/001_work.sql),
so the request handler's dashboard page and the CLI can both write while the pipeline holds the main store.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from .. import identity
from ..config import load_config
from ..errors import LokivahtiError
from ..sqlfiles import run_script, statement, write_transaction
from ..workstore import connect_work, rows_frame
from .grounds import DECISIONS, MIN_REASONING_CHARS, REFUSAL_GROUNDS, VERIFICATIONS

RELATIONS = ("self", "guardian", "representative")
STATUSES = ("received", "in_progress", "held_for_decision", "refused", "delivered", "cancelled")
OPEN_STATUSES = ("received", "in_progress", "held_for_decision")
MAX_TEXT = 2_000  # names, addresses and reasons longer than this are refused, not stored


class RequestError(LokivahtiError, ValueError):
    """A request or a decision that cannot be registered as given (the message names the field)."""


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
    professional_decision: str | None = None   # release | partly | refuse
    professional_by: str | None = None
    professional_reason: str | None = None     # the handler's written reasoning
    requester_address: str | None = None
    identity_verified: str | None = None       # in_person | strong_eid | suomi_fi_mandate | signed_letter
    right_to_act: str | None = None            # how a guardian or representative showed the right to act
    professional_ground: str | None = None     # grounds.REFUSAL_GROUNDS, for refuse and partly
    release_from: date | None = None           # partly: the released period, narrowed
    release_to: date | None = None
    withheld_rows: str | None = None           # partly: source_system:source_event_id, one a line
    keep_redaction: int | None = None          # 0: the handler lifted the whereabouts redaction of a held request
    fee: str | None = None

    @property
    def withheld(self) -> frozenset[str]:
        return frozenset(x.strip() for x in (self.withheld_rows or "").splitlines() if x.strip())

    @property
    def registered(self) -> bool:
        return bool(self.request_id)


_DATE_FIELDS = ("received_on", "period_from", "period_to", "due_on", "internal_due_on", "delivered_on",
                "release_from", "release_to")
_FIELDS = frozenset(f.name for f in fields(Request))


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
    """The work store with this package's own columns added (sql/work/002_…, 003_…)."""
    con = connect_work(work_path)
    for marker, migration in (("professional_decision", "work/002_request_decisions.sql"),
                              ("withheld_rows", "work/005_request_register.sql")):
        have = {r[1] for r in con.execute(_q("request_columns")).fetchall()}
        if marker in have:
            continue
        try:
            run_script(con, migration)
        except sqlite3.OperationalError:  # another process added them a moment ago
            if con.in_transaction:
                con.execute("ROLLBACK")
    return con


@contextmanager
def register_transaction(work_path) -> Iterator[sqlite3.Connection]:
    """One write transaction on the register (BEGIN IMMEDIATE): committed when the block ends, else rolled back.

    The answer registers its request, records its outcome and logs its disclosure inside one of these, and
    writes its files inside it too: a failure anywhere leaves the register as it was."""
    with closing(_connect(work_path)) as con, write_transaction(con):
        yield con


def _q(name: str) -> str:
    return statement("work/requests.sql", name)


def _select(con, query: str, params: list | None = None) -> list[Request]:
    """Requests by one query of sql/work/requests.sql (rows taken by column name, dates parsed)."""
    cur = con.execute(_q(query), params or [])
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        values = {k: v for k, v in zip(names, row, strict=True) if k in _FIELDS}
        for name in _DATE_FIELDS:
            values[name] = _to_date(values[name])
        out.append(Request(**values))
    return out


def _next_id(con, received_on: date) -> str:
    prefix = f"LS-{received_on.year}-"
    n = con.execute(_q("count_with_prefix"), [prefix + "%"]).fetchone()[0]
    while True:
        n += 1
        candidate = f"{prefix}{n:04d}"
        if not con.execute(_q("id_taken"), [candidate]).fetchone():
            return candidate


def earlier_request_within(con, client_id: str, received_on: date, window_days: int,
                           exclude: str | None = None) -> str | None:
    """The latest earlier answered or open request of the same client within the repeat window, if any.

    A cancelled request was never answered and does not make the next one a repeat."""
    start = (received_on - timedelta(days=window_days)).isoformat()
    row = con.execute(
        _q("earlier_within"),
        [client_id, start, received_on.isoformat(), exclude],
    ).fetchone()
    return row[0] if row else None


def _text(value, what: str) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if len(value) > MAX_TEXT:
        raise RequestError(f"{what} is longer than {MAX_TEXT} characters")
    return value or None


def new_request(work_path, *, client_id: str, relation: str, period_from, period_to, received_on=None,
                requester_name: str | None = None, requester_address: str | None = None,
                identity_verified: str | None = None, right_to_act: str | None = None,
                handler: str | None = None, special_reason: str | None = None, language: str = "fi",
                config: dict | None = None) -> Request:
    """A validated request that is not registered yet (request_id empty): the answer registers it together
    with its outcome (exports.answer_request), or register_request stores it alone."""
    if relation not in RELATIONS:
        raise RequestError(f"requester relation must be one of {', '.join(RELATIONS)}")
    client = identity.validate(client_id)
    received = _to_date(received_on) or date.today()
    start, end = _to_date(period_from), _to_date(period_to)
    if start is None or end is None:
        raise RequestError("the requested period needs a first and a last day")
    if end < start:
        raise RequestError("the requested period ends before it starts")
    if identity_verified is not None and identity_verified not in VERIFICATIONS:
        raise RequestError(f"identity verification must be one of {', '.join(VERIFICATIONS)}")
    if language not in ("fi", "sv", "en"):
        raise RequestError("language must be fi, sv or en")
    cfg = config or load_config()
    due, internal = due_dates(received, cfg)
    repeated = None
    if Path(work_path).exists():
        with closing(_connect(work_path)) as con:
            repeated = earlier_request_within(con, client, received, int(cfg["requests"]["repeat_window_days"]))
    return Request(
        request_id="", received_on=received, client_id=client, relation=relation, period_from=start,
        period_to=end, due_on=due, internal_due_on=internal, status="received",
        requester_name=_text(requester_name, "the requester's name"),
        requester_address=_text(requester_address, "the requester's address"),
        identity_verified=identity_verified, right_to_act=_text(right_to_act, "the right to act"),
        handler=_text(handler, "the handler's name"), special_reason=_text(special_reason, "the special reason"),
        repeated_of=repeated, language=language, created_at=datetime.now(UTC).isoformat(timespec="seconds"))


def _history(con, request_id: str, actor: str | None, change: str, detail: dict | None = None,
             reason: str | None = None) -> None:
    con.execute(_q("add_history"),
                [request_id, datetime.now(UTC).isoformat(timespec="seconds"), actor or "-", change,
                 json.dumps(detail, ensure_ascii=False, default=str) if detail else None, reason])


def store_new(con, draft: Request, *, actor: str | None = None) -> Request:
    """Inserts a draft request inside an open register transaction; returns it with its id."""
    request = replace(draft, request_id=_next_id(con, draft.received_on))
    con.execute(_q("insert"), _stored(request))
    _history(con, request.request_id, actor or request.handler, "registered",
             {"received_on": [None, request.received_on], "relation": [None, request.relation],
              "period": [None, f"{request.period_from}..{request.period_to}"],
              "identity_verified": [None, request.identity_verified]})
    return request


def register_request(work_path, *, client_id: str, relation: str, period_from, period_to, received_on=None,
                     requester_name: str | None = None, handler: str | None = None,
                     special_reason: str | None = None, language: str = "fi", config: dict | None = None,
                     **more) -> Request:
    """Record a new request with its statutory and internal due dates; marks a repeat within the window."""
    draft = new_request(work_path, client_id=client_id, relation=relation, period_from=period_from,
                        period_to=period_to, received_on=received_on, requester_name=requester_name,
                        handler=handler, special_reason=special_reason, language=language, config=config, **more)
    with register_transaction(work_path) as con:
        return store_new(con, draft)


def open_duplicates(work_path, client_id: str, relation: str, period_from, period_to) -> list[Request]:
    """Open requests of the same client and requester whose period overlaps this one (shown before a new one)."""
    if not Path(work_path).exists():
        return []
    client = identity.normalise(client_id)
    with closing(_connect(work_path)) as con:
        # the query's open statuses are OPEN_STATUSES
        return _select(con, "open_overlapping",
                       [client, relation, _to_date(period_to).isoformat(), _to_date(period_from).isoformat()])


def get_request(work_path, request_id: str) -> Request:
    if not isinstance(request_id, str) or len(request_id) > 64:
        raise KeyError("no such request")
    with closing(_connect(work_path)) as con:
        found = _select(con, "by_id", [request_id])
    if not found:
        raise KeyError(f"no request {request_id}")
    return found[0]


def get_in(con, request_id: str) -> Request:
    found = _select(con, "by_id", [request_id])
    if not found:
        raise KeyError(f"no request {request_id}")
    return found[0]


_UPDATABLE = {"status", "handler", "delivered_on", "special_reason", "decision", "language", "requester_name",
              "professional_decision", "professional_by", "professional_reason", "professional_ground",
              "release_from", "release_to", "withheld_rows", "keep_redaction", "fee", "requester_address",
              "identity_verified", "right_to_act", "received_on", "due_on", "internal_due_on", "period_from",
              "period_to", "relation", "repeated_of"}


def update_in(con, request_id: str, *, actor: str | None = None, change: str = "updated",
              reason: str | None = None, **changes) -> Request:
    """Change a request inside an open register transaction; every change is kept in request_history."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in STATUSES:
        raise ValueError(f"unknown request status {changes['status']!r}")
    before = get_in(con, request_id)
    detail = {k: [getattr(before, k), v] for k, v in changes.items() if getattr(before, k) != _to_value(k, v)}
    if changes:
        con.execute(_q("update"), _stored(replace(before, **changes)))
    if detail or reason:
        _history(con, request_id, actor, change, detail, reason)
    return get_in(con, request_id)


def _stored(request: Request) -> dict:
    """A request's fields as the register stores them (dates as ISO text)."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(request).items()}


def _to_value(name, value):
    return _to_date(value) if name in _DATE_FIELDS else value


def update_request(work_path, request_id: str, *, actor: str | None = None, change: str = "updated",
                   reason: str | None = None, **changes) -> Request:
    """Change fields of a registered request (with history)."""
    with register_transaction(work_path) as con:
        get_in(con, request_id)
        return update_in(con, request_id, actor=actor, change=change, reason=reason, **changes)


def _need_reasoning(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASONING_CHARS:
        raise RequestError(f"{what} needs the handler's written reasoning (at least {MIN_REASONING_CHARS} characters)")
    return _text(text, "the reasoning")


def record_professional_decision(work_path, request_id: str, *, release: bool | None = None, by: str,
                                 reason: str | None = None, decision: str | None = None,
                                 ground: str | None = None, release_from=None, release_to=None,
                                 withheld_rows=None, keep_redaction: bool = True, fee: str | None = None) -> Request:
    """The handler's decision on a request: release it, release it in part, or refuse it.

    A refusal, whole or partial, needs an allowed ground (grounds.REFUSAL_GROUNDS) and written reasoning: it
    becomes the written decision the requester may take to the Data Protection Ombudsman (11 § 4 mom)."""
    decision = decision or ("release" if release else "refuse")
    if decision not in DECISIONS:
        raise RequestError(f"the decision must be one of {', '.join(DECISIONS)}")
    if not (by or "").strip():
        raise RequestError("a decision needs the decider's name")
    changes: dict = {"professional_decision": decision, "professional_by": _text(by, "the decider's name"),
                     "keep_redaction": 1 if keep_redaction else 0, "fee": _text(fee, "the fee")}
    if decision == "release":
        changes["professional_reason"] = _text(reason, "the reasoning")
        changes["professional_ground"] = None
    else:
        if ground not in REFUSAL_GROUNDS:
            raise RequestError(f"a refusal needs one of the grounds the law allows: {', '.join(REFUSAL_GROUNDS)}")
        changes["professional_reason"] = _need_reasoning(reason, "a refusal")
        changes["professional_ground"] = ground
    rows = withheld_rows.splitlines() if isinstance(withheld_rows, str) else list(withheld_rows or [])
    rows = [r.strip() for r in rows if r and r.strip()]
    if any(":" not in r or len(r) > 300 for r in rows):
        raise RequestError("a withheld row is named source_system:source_event_id")
    start, end = _to_date(release_from), _to_date(release_to)
    if decision == "partly" and not rows and start is None and end is None:
        raise RequestError("a partial refusal names the rows withheld or the period released")
    if decision != "partly" and (rows or start or end):
        raise RequestError("rows and periods are withheld only by a partial refusal (partly)")
    changes.update(withheld_rows="\n".join(rows) or None, release_from=start, release_to=end)
    with register_transaction(work_path) as con:
        current = get_in(con, request_id)
        if current.status not in OPEN_STATUSES:
            raise RequestError(f"request {request_id} is {current.status}; only an open request can be decided")
        if start and end and end < start:
            raise RequestError("the released period ends before it starts")
        if (start and start > current.period_to) or (end and end < current.period_from):
            raise RequestError("the released period lies outside the requested period")
        return update_in(con, request_id, actor=by, change="decided", reason=changes.get("professional_reason"),
                         status="in_progress", **changes)


_CORRECTABLE = {"received_on", "period_from", "period_to", "relation", "requester_name", "requester_address",
                "identity_verified", "right_to_act", "special_reason", "handler", "language"}


def correct_request(work_path, request_id: str, *, by: str, reason: str, config: dict | None = None,
                    **changes) -> Request:
    """Correct an open request (a wrong received date, period, requester…); the old values stay in the history.

    A new received date moves the due dates with it: the legal clock runs from receipt."""
    unknown = set(changes) - _CORRECTABLE
    if unknown:
        raise RequestError(f"cannot correct {', '.join(sorted(unknown))}")
    if not (by or "").strip() or not (reason or "").strip():
        raise RequestError("a correction needs who made it and why")
    changes = {k: v for k, v in changes.items() if v is not None}
    if "relation" in changes and changes["relation"] not in RELATIONS:
        raise RequestError(f"requester relation must be one of {', '.join(RELATIONS)}")
    if "identity_verified" in changes and changes["identity_verified"] not in VERIFICATIONS:
        raise RequestError(f"identity verification must be one of {', '.join(VERIFICATIONS)}")
    for name in ("received_on", "period_from", "period_to"):
        if name in changes:
            changes[name] = _to_date(changes[name])
    with register_transaction(work_path) as con:
        current = get_in(con, request_id)
        if current.status not in OPEN_STATUSES:
            raise RequestError(f"request {request_id} is {current.status}; only an open request can be corrected")
        start = changes.get("period_from", current.period_from)
        end = changes.get("period_to", current.period_to)
        if end < start:
            raise RequestError("the requested period ends before it starts")
        if "received_on" in changes:
            changes["due_on"], changes["internal_due_on"] = due_dates(changes["received_on"], config)
        return update_in(con, request_id, actor=by, change="corrected", reason=_text(reason, "the reason"), **changes)


def cancel_request(work_path, request_id: str, *, by: str, reason: str) -> Request:
    """Cancel an open request (withdrawn, registered twice…): kept in the register with its history."""
    if not (by or "").strip() or not (reason or "").strip():
        raise RequestError("a cancellation needs who made it and why")
    with register_transaction(work_path) as con:
        current = get_in(con, request_id)
        if current.status not in OPEN_STATUSES:
            raise RequestError(f"request {request_id} is {current.status}; only an open request can be cancelled")
        return update_in(con, request_id, actor=by, change="cancelled", reason=_text(reason, "the reason"),
                         status="cancelled")


def request_history(work_path, request_id: str) -> pl.DataFrame:
    """Every change of one request, oldest first: at, actor, change, detail (JSON), reason."""
    schema = {c: pl.Utf8 for c in ("at", "actor", "change", "detail", "reason")}
    return rows_frame(work_path, _q("history"), [request_id], schema, connect=_connect)


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
        requests = _select(con, "all")
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
