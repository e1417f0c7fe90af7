"""The answer to a client's request: every use and disclosure of their data in the period, and its basis.

`answer_events` is the selective look-up (one client, one period) that the benchmark times: it reads the
client-sorted copy when fresh (pipelines/disclosure/index.py), else the live tables, and only ever rows whose
client_id is the client's. `build_answer` turns those rows into what the client reads: Helsinki time in the
Finnish format, organisation, unit, worker and title, action and data in plain words, and the basis:
- for a use, the explanation the checks found (texts of sql/checks/explanations.sql, the one copy); with no
  explanation, the purpose as the log states it, or that the log does not state one;
- for a disclosure, its own basis: the legal provision, permission or consent the log records
  (events.legal_basis, 703/2023 10 § 3 mom), else a statutory right the log's purpose states, else a
  disclosure basis the checks found — never the discloser's involvement, which is why they could see the
  data, not why it could be given away; with none of these, that the log does not state the basis;
- "under review" only when an open finding questions that access's lawfulness (the copy and the live query
  keep only such findings), and never for the county's own answers to requests (source `lokivahti`).
"""

from __future__ import annotations

import duckdb
import polars as pl

from .. import identity
from ..sqlfiles import read_sql, statement
from ..workstore import current_reviews
from . import texts
from .index import ANSWER_ORDER, enrich_sql, ensure_client_index, read_answer, read_index_state
from .register import Request, _to_date

OPEN_REVIEW = ("new", "under_review")
OWN_SOURCE = "lokivahti"  # the source of Lokivahti's own access log (its answers to requests are disclosures)


def _writable(con) -> bool:
    return con.execute(statement("store/session.sql", "access_mode")).fetchall()[0][0] != "read_only"


def answer_events(con: duckdb.DuckDBPyConnection, client_id: str, date_from, date_to, *,
                  build_index: bool = True) -> pl.DataFrame:
    """One client's events in [date_from, date_to] (Helsinki dates) with worker, organisation, unit and basis.

    Columns: source_system, source_event_id, event_time, event_local, event_date, client_id, account, action,
    service_task, document, purpose, emergency, channel, outcome, organisation_id, organisation_name,
    organisation_kind, unit_id, unit_name, unit_service_task, staff_id, worker_name, worker_title,
    recipient_organisation_id, recipient_name, recipient_kind, basis, finding_ids (list).
    """
    start, end = _to_date(date_from), _to_date(date_to)
    client_id = identity.normalise(client_id)
    state = read_index_state(con, client_id)
    if state is None and build_index and _writable(con):
        ensure_client_index(con)
        state = read_index_state(con, client_id)
    if state is None:
        return answer_events_live(con, client_id, start, end)
    # The copy is stored in (client_id, event_date, event_time, source) order and DuckDB keeps insertion
    # order, so the client's rows arrive already in ANSWER_ORDER: no sort needed until an update after a check
    # has appended some client-days at the end (index.py read_answer sorts then).
    return read_answer(con, state, client_id, start, end)


def answer_events_live(con: duckdb.DuckDBPyConnection, client_id: str, date_from, date_to) -> pl.DataFrame:
    """The same answer from the tables as ingested, without the client-sorted copy.

    What answers while the copy is stale (a read-only connection cannot rebuild it), and the naive query the
    benchmark compares the answer with: it filters `events` (every row group) and `explanations` by client
    and joins the reference tables to the client's rows."""
    params = {"client_id": identity.normalise(client_id), "date_from": _to_date(date_from),
              "date_to": _to_date(date_to)}
    con.execute(read_sql("disclosure/client_rows_live.sql"), params)
    try:
        return pl.from_arrow(con.sql(enrich_sql()).to_arrow_table()).sort(ANSWER_ORDER)
    finally:
        con.execute(statement("disclosure/cleanup.sql", "rows_table"))


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
    """Add `review_state` from the open or reviewed lawfulness findings of each row (None when there are none).

    The county's own answers (source `lokivahti`, action disclose) are never under review: answering is the law's
    duty. A look-up made through the dashboard is a use like any other and can be."""
    reviews = current_reviews(work_path) if work_path is not None else None
    statuses = dict(zip(reviews["finding_id"], reviews["status"])) if reviews is not None else {}
    states = [
        None if system == OWN_SOURCE and action == "disclose" else review_state(list(f) if f is not None else None,
                                                                                 statuses)
        for f, system, action in zip(frame["finding_ids"].to_list(), frame["source_system"].to_list(),
                                     frame["action"].to_list())
    ]
    return frame.with_columns(pl.Series("review_state", states, dtype=pl.Utf8))


ANSWER_COLUMNS = ("time", "organisation", "unit", "worker", "title", "action", "data", "recipient", "system", "basis")


def _who(name, account, lang):
    if name:
        return name
    return texts.t("account", lang, account=account) if account else ""


def basis_of(r: dict, lang: str) -> str:
    """The basis of one row in plain words (see the module docstring)."""
    if r["source_system"] == OWN_SOURCE and r["action"] == "disclose":
        return texts.t("basis_own_answer", lang)
    logged = r.get("legal_basis")
    if r["action"] == "disclose":
        if logged:
            text = texts.t("basis_disclosure_logged", lang, basis=logged)
        elif r["purpose"] == "statutory_right":
            text = texts.basis_text("statutory_right", lang)
        elif r["basis"] in texts.DISCLOSURE_BASES:
            text = texts.basis_text(r["basis"], lang)
        else:
            text = texts.t("basis_disclosure_not_logged", lang)
        if r["review_state"]:
            text += " — " + texts.t(r["review_state"], lang)
        return text
    if r["review_state"]:
        return texts.t(r["review_state"], lang)
    if r["basis"]:
        return texts.basis_text(r["basis"], lang)
    if r["purpose"] in texts.PURPOSES:
        return texts.t("basis_purpose_logged", lang, purpose=texts.t("purpose_" + r["purpose"], lang))
    return texts.t("basis_not_logged", lang)


def present(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The client-facing table: plain words in `lang`, Helsinki time, and the basis or review state."""
    rows = []
    hidden_col = "location_hidden" in frame.columns
    neutral = texts.t("neutral_service", lang)
    for r in frame.iter_rows(named=True):
        action = texts.t(r["action"], lang) if r["action"] in texts.ACTIONS else r["action"]
        if r["outcome"] == "failure":
            action += texts.t("failed", lang)
        hidden = hidden_col and r["location_hidden"]
        data = ", ".join(x for x in (r["document"], r.get("data_description"),
                                     texts.service_task_words(r["service_task"], lang)) if x)
        recipient = ""
        if r["action"] == "disclose":
            recipient = r["recipient_name"] or r["recipient_organisation_id"] or ""
        rows.append({
            "source_system": r["source_system"], "source_event_id": r["source_event_id"],
            "time": texts.local_time_text(r["event_local"], lang),
            "organisation": r["organisation_name"] or r["organisation_id"] or "",
            "unit": r["unit_name"] or r["unit_id"] or "",
            "worker": _who(r["worker_name"], r["account"], lang),
            "title": r["worker_title"] or "",
            "action": action, "data": data, "recipient": recipient,
            "system": neutral if hidden else r["source_system"], "basis": basis_of(r, lang),
            "review_state": r["review_state"],
            "examined": bool(r["basis"] or r["review_state"] or r["source_system"] == OWN_SOURCE
                             or (r["action"] == "disclose" and (r.get("legal_basis") or r["purpose"] == "statutory_right"))),
        })
    schema = {c: pl.Utf8 for c in ("source_system", "source_event_id", *ANSWER_COLUMNS, "review_state")}
    return pl.DataFrame(rows, schema=schema | {"examined": pl.Boolean})


def withhold(frame: pl.DataFrame, withheld: frozenset[str]) -> pl.DataFrame:
    """The frame without the rows a partial refusal keeps back (named source_system:source_event_id)."""
    if not withheld:
        return frame
    keys = pl.concat_str([pl.col("source_system"), pl.lit(":"), pl.col("source_event_id")])
    return frame.filter(~keys.is_in(list(withheld)))


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
    if decision is not None:
        frame = withhold(frame, decision.withheld)
    if decision is not None and decision.redact_location:
        frame = redact_location(frame, lang)
    return present(frame, lang)


def reasoned_view(answer: pl.DataFrame, lang: str) -> list[str]:
    """The county's reasoned view of lawfulness (11 § 5 mom), from the findings and their review status."""
    n = answer.height
    counts = answer.group_by("review_state").len()
    by = {s: c for s, c in zip(counts["review_state"].to_list(), counts["len"].to_list())}
    flagged = n - by.get(None, 0)
    unexamined = answer.filter(pl.col("review_state").is_null() & ~pl.col("examined")).height
    out = [texts.t("view_counts", lang, n=n, explained=by.get(None, 0) - unexamined, flagged=flagged)]
    if unexamined:
        out.append(texts.t("view_unexamined", lang, n=unexamined))
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
