"""Answering "who viewed my data" (asiakastietolaki 703/2023 11 §): the request register and the answer.

Public API (the request handler's dashboard page builds on these; the CLI commands `requests` and
`disclose` too). `work_path` is the work store (pipelines.workstore.work_path_for(store)); `con` a DuckDB
store connection (read-only is fine except for `ensure_client_index`).

Register (register.py)
    register_request(work_path, *, client_id, relation, period_from, period_to, received_on=None,
                     requester_name=None, handler=None, special_reason=None, language="fi") -> Request
        relation: self | guardian | representative. Due date = received + 2 calendar months (month-end clamped).
        Marks `repeated_of` when the client asked within `[requests] repeat_window_days`.
    list_requests(work_path, today=None) -> polars.DataFrame  (client masked; days_left, overdue, soon_due)
    get_request(work_path, request_id) -> Request;  update_request(work_path, request_id, status=..., ...)
    record_professional_decision(work_path, request_id, release=True|False, by=NAME, reason=TEXT) -> Request
        for a request held for decision: the next decide()/export_answer() releases or refuses it.
    add_months(date, n), due_dates(received_on), mask_client_id(client_id)

Decision (redaction.py)
    decide(con, work_path, request, today=None) -> Decision
        .outcome: deliver | held_for_decision | refused; .reasons (text keys; .reason_texts(lang));
        .released_from/.released_to; .refused_from/.refused_to (part refused: too old, no special reason);
        .redact_location (secret placement, guardian requester); .repeated_of; .exit_code (0 / 10 / 11).

Answer (answer.py)
    answer_events(con, client_id, date_from, date_to) -> polars.DataFrame   one client's enriched events
        read from the client-sorted copy when it is fresh; answer.answer_events_live gives the same frame from
        the tables as ingested (the fallback, and the bench's naive comparison).
    build_answer(con, request, work_path=None, lang=None, decision=None) -> polars.DataFrame
        client-facing columns: time, organisation, unit, worker, title, action, data, recipient, system, basis
        (+ source_system, source_event_id, review_state), redacted as the decision requires.
    reasoned_view(answer, lang) -> list[str]   the county's view of lawfulness (11 § 5 mom)

Export (exports.py)
    export_answer(con, work_path, request, out_dir, lang=None, today=None, misuse_view=False) -> ExportResult
        .decision, .request (updated), .paths {"letter","csv","xlsx"} or {"decision"}, .rows, .exit_code
        Records the answer as a disclosure in the work store's access log.

Performance (index.py)
    ensure_client_index(con)  builds the client-sorted, dictionary-coded copy of the enriched events (tables
        disclosure_events_by_client, disclosure_index_layout, disclosure_index_state); call after ingest,
        reference import and check. index_is_fresh(con) says whether it matches the store.

Texts: texts.t(key, lang) — fi, sv, en.
"""

from .answer import answer_events, build_answer, reasoned_view
from .exports import ExportResult, export_answer
from .index import ensure_client_index
from .redaction import Decision, decide
from .register import (
    Request,
    add_months,
    get_request,
    list_requests,
    mask_client_id,
    record_professional_decision,
    register_request,
    update_request,
)

__all__ = [
    "Decision",
    "ExportResult",
    "Request",
    "add_months",
    "answer_events",
    "build_answer",
    "decide",
    "ensure_client_index",
    "export_answer",
    "get_request",
    "list_requests",
    "mask_client_id",
    "reasoned_view",
    "record_professional_decision",
    "register_request",
    "update_request",
]
