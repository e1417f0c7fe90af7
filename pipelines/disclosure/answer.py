"""The answer to a client's request: every use and disclosure of their data in the period, and its basis.

`answer_events` is the selective look-up (one client, one period) that the benchmark times: it reads the
client-sorted copy when fresh (pipelines/disclosure/index.py), else the live tables, and only ever rows whose
client_id is the client's. `build_answer` turns those rows into what the client reads: Helsinki time in the
Finnish format, organisation, unit, worker and title, action and data in plain words, and the basis — the
checks' explanation, or for an event in a finding its review state (under review / the reviewed outcome).
"""

from __future__ import annotations

import duckdb
import polars as pl

from ..sqlfiles import read_sql
from ..workstore import current_reviews
from . import texts
from .index import enrich_sql, ensure_client_index, read_answer, read_index_state
from .register import Request, _to_date

OPEN_REVIEW = ("new", "under_review")
ANSWER_ORDER = ["event_time", "source_system", "source_event_id"]


def _writable(con) -> bool:
    return con.execute("SELECT current_setting('access_mode')").fetchall()[0][0] != "read_only"


def answer_events(con: duckdb.DuckDBPyConnection, client_id: str, date_from, date_to, *,
                  build_index: bool = True) -> pl.DataFrame:
    """One client's events in [date_from, date_to] (Helsinki dates) with worker, organisation, unit and basis.

    Columns: source_system, source_event_id, event_time, event_local, event_date, client_id, account, action,
    service_task, document, purpose, emergency, channel, outcome, organisation_id, organisation_name,
    organisation_kind, unit_id, unit_name, unit_service_task, staff_id, worker_name, worker_title,
    recipient_organisation_id, recipient_name, recipient_kind, basis, finding_ids (list).
    """
    start, end = _to_date(date_from), _to_date(date_to)
    state = read_index_state(con, client_id)
    if state is None and build_index and _writable(con):
        ensure_client_index(con)
        state = read_index_state(con, client_id)
    if state is None:
        return answer_events_live(con, client_id, start, end)
    # The copy is stored in (client_id, event_date, event_time, source) order and DuckDB keeps insertion
    # order, so the client's rows arrive already in ANSWER_ORDER: no sort needed (index.py read_answer).
    return read_answer(con, state, client_id, start, end)


def answer_events_live(con: duckdb.DuckDBPyConnection, client_id: str, date_from, date_to) -> pl.DataFrame:
    """The same answer from the tables as ingested, without the client-sorted copy.

    What answers while the copy is stale (a read-only connection cannot rebuild it), and the naive query the
    benchmark compares the answer with: it filters `events` (every row group) and `explanations` by client
    and joins the reference tables to the client's rows."""
    params = {"client_id": client_id, "date_from": _to_date(date_from), "date_to": _to_date(date_to)}
    con.execute(read_sql("disclosure/client_rows_live.sql"), params)
    try:
        return pl.from_arrow(con.sql(enrich_sql()).to_arrow_table()).sort(ANSWER_ORDER)
    finally:
        con.execute("DROP TABLE IF EXISTS disclosure_rows")


def review_state(finding_ids: list[str] | None, statuses: dict[str, str]) -> str | None:
    """The state of an event from its findings' review status: violation_confirmed wins, then an open review."""
    if not finding_ids:
        return None
    found = [statuses.get(f, "new") for f in finding_ids]
    if "violation_confirmed" in found:
        return "violation_confirmed"
    if any(s in OPEN_REVIEW for s in found):
        return "under_review"
    return "explained" if "explained" in found else "false_positive"


def with_review_state(frame: pl.DataFrame, work_path=None) -> pl.DataFrame:
    """Add `review_state`: None when the checks explained the event; under_review when nothing explains it."""
    reviews = current_reviews(work_path) if work_path is not None else None
    statuses = dict(zip(reviews["finding_id"], reviews["status"])) if reviews is not None else {}
    states = [
        review_state(list(f) if f is not None else None, statuses) or (None if b else "under_review")
        for f, b in zip(frame["finding_ids"].to_list(), frame["basis"].to_list())
    ]
    return frame.with_columns(pl.Series("review_state", states, dtype=pl.Utf8))


ANSWER_COLUMNS = ("time", "organisation", "unit", "worker", "title", "action", "data", "recipient", "system", "basis")


def _who(name, account, lang):
    if name:
        return name
    return texts.t("account", lang, account=account) if account else ""


def present(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The client-facing table: plain words in `lang`, Helsinki time, and the basis or review state."""
    rows = []
    for r in frame.iter_rows(named=True):
        action = texts.t(r["action"], lang) if r["action"] in texts.ACTIONS else r["action"]
        if r["outcome"] == "failure":
            action += texts.t("failed", lang)
        if r["review_state"]:
            basis = texts.t(r["review_state"], lang)
        else:
            basis = texts.t(r["basis"], lang) if r["basis"] in texts.BASES else (r["basis"] or "")
        data = ", ".join(x for x in (r["document"], texts.service_task_words(r["service_task"], lang)) if x)
        rows.append({
            "source_system": r["source_system"], "source_event_id": r["source_event_id"],
            "time": texts.local_time_text(r["event_local"], lang),
            "organisation": r["organisation_name"] or r["organisation_id"] or "",
            "unit": r["unit_name"] or r["unit_id"] or "",
            "worker": _who(r["worker_name"], r["account"], lang),
            "title": r["worker_title"] or "",
            "action": action, "data": data,
            "recipient": (r["recipient_name"] or r["recipient_organisation_id"] or "") if r["action"] == "disclose" else "",
            "system": r["source_system"], "basis": basis, "review_state": r["review_state"],
        })
    schema = {c: pl.Utf8 for c in ("source_system", "source_event_id", *ANSWER_COLUMNS, "review_state")}
    return pl.DataFrame(rows, schema=schema)


def build_answer(con, request: Request, *, work_path=None, lang: str | None = None, decision=None) -> pl.DataFrame:
    """What the requester receives: one row per use or disclosure, redacted as the decision requires.

    With a decision, only its released period is answered and, when it says so, anything that could locate
    a child in a secret placement is replaced by a neutral text (see redaction.py).
    """
    from .redaction import redact_location

    lang = lang or request.language or "fi"
    start = decision.released_from if decision is not None else request.period_from
    end = decision.released_to if decision is not None else request.period_to
    frame = with_review_state(answer_events(con, request.client_id, start, end), work_path)
    if decision is not None and decision.redact_location:
        frame = redact_location(frame, lang)
    return present(frame, lang)


def reasoned_view(answer: pl.DataFrame, lang: str) -> list[str]:
    """The county's reasoned view of lawfulness (11 § 5 mom), from the findings and their review status."""
    n = answer.height
    counts = answer.group_by("review_state").len()
    by = {s: c for s, c in zip(counts["review_state"].to_list(), counts["len"].to_list())}
    flagged = n - by.get(None, 0)
    out = [texts.t("view_counts", lang, n=n, explained=by.get(None, 0), flagged=flagged)]
    if by.get("violation_confirmed"):
        out.append(texts.t("view_violation", lang, n=by["violation_confirmed"]))
    if by.get("under_review"):
        out.append(texts.t("view_open", lang, n=by["under_review"]))
    cleared = by.get("explained", 0) + by.get("false_positive", 0)
    if cleared:
        out.append(texts.t("view_cleared", lang, n=cleared))
    if not by.get("violation_confirmed") and not by.get("under_review"):
        out.append(texts.t("view_lawful", lang))
    return out
