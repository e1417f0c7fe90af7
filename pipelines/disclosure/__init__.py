"""Answering "who viewed my data" (asiakastietolaki 703/2023 11 §): the request register and the answer.

Public API (the request handler's dashboard page builds on these; the CLI commands `requests` and
`disclose` too). `work_path` is the work store (pipelines.workstore.work_path_for(store)); `con` a DuckDB
store connection (read-only is fine except for `ensure_client_index`).

Register (register.py)
    new_request(work_path, *, client_id, relation, period_from, period_to, received_on=None, requester_name=None,
                requester_address=None, identity_verified=None, right_to_act=None, handler=None,
                special_reason=None, language="fi") -> Request   validated, NOT stored (request_id "")
        client_id is validated and normalised by pipelines.identity; relation: self | guardian | representative;
        identity_verified: in_person | strong_eid | suomi_fi_mandate | signed_letter (grounds.VERIFICATIONS).
    register_request(work_path, **same) -> Request   stores it alone (a request received, answered later)
    open_duplicates(work_path, client_id, relation, period_from, period_to) -> [Request]  open, overlapping
    list_requests(work_path, today=None) -> polars.DataFrame  (client masked; days_left, overdue, soon_due)
    get_request(work_path, request_id) -> Request; request_history(work_path, request_id) -> polars.DataFrame
    record_professional_decision(work_path, request_id, decision="release"|"partly"|"refuse", by=NAME,
                                 reason=TEXT, ground=KEY, release_from=, release_to=, withheld_rows=[...],
                                 keep_redaction=True, fee=None) -> Request
        refuse / partly need a ground of grounds.REFUSAL_GROUNDS and written reasoning.
    correct_request(work_path, request_id, by=, reason=, **fields); cancel_request(work_path, request_id, by=, reason=)
    add_months(date, n), due_dates(received_on), mask_client_id(client_id)

Decision (redaction.py)
    decide(con, work_path, request, today=None) -> Decision
        .outcome: deliver | held_for_decision | refused; .reasons (text keys; .reason_texts(lang)); .ground;
        .released_from/.released_to; .refused_from/.refused_to; .withheld; .redact_location; .exit_code (0/10/11).

Answer (answer.py)
    answer_events(con, client_id, date_from, date_to) -> polars.DataFrame   one client's enriched events
    build_answer(con, request, work_path=None, lang=None, decision=None) -> polars.DataFrame
        client-facing columns: time, organisation, unit, worker, title, action, data, recipient, system, basis
        (+ source_system, source_event_id, review_state), redacted and withheld as the decision requires.
    reasoned_view(answer, lang) -> list[str]   the county's view of lawfulness (11 § 5 mom)

Export (exports.py)
    export_answer(con, work_path, request, out_dir, lang=None, today=None, misuse_view=False) -> ExportResult
        A new request (request_id "") is registered in the same transaction as its outcome; a failure leaves
        no request and no file. .decision, .request, .paths {"letter","csv","xlsx"} or {"decision"}, .rows,
        .exit_code, .missing_settings ([letter] settings not configured).
    export_interim(con, work_path, request_id, out_dir, lang=None) -> Path   interim letter of an open request

Performance (index.py)
    ensure_client_index(con)  builds the client-sorted, dictionary-coded copy of the enriched events.

Texts: texts.t(key, lang) — fi, sv, en.
"""

import importlib

# Each public name and the module that defines it. The names are loaded when first asked for (PEP 562), not with
# the package: the check step needs only the client copy (index.py), and importing the letter's PDF library
# with it cost the step about half a second (`python -X importtime`: exports.py 0.78 s of the package's 1.16 s).
_HOME = {
    "answer_events": "answer", "build_answer": "answer", "reasoned_view": "answer",
    "ExportResult": "exports", "export_answer": "exports", "export_interim": "exports",
    "OutputError": "files",
    "ensure_client_index": "index",
    "Decision": "redaction", "decide": "redaction",
    **dict.fromkeys(("Request", "RequestError", "add_months", "cancel_request", "correct_request", "get_request",
                     "list_requests", "mask_client_id", "new_request", "open_duplicates",
                     "record_professional_decision", "register_request", "request_history", "update_request"),
                    "register"),
}


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "Decision",
    "ExportResult",
    "OutputError",
    "Request",
    "RequestError",
    "add_months",
    "answer_events",
    "build_answer",
    "cancel_request",
    "correct_request",
    "decide",
    "ensure_client_index",
    "export_answer",
    "export_interim",
    "get_request",
    "list_requests",
    "mask_client_id",
    "new_request",
    "open_duplicates",
    "reasoned_view",
    "record_professional_decision",
    "register_request",
    "request_history",
    "update_request",
]
