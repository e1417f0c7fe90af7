"""`lokivahti disclose`: answer one "who viewed my data" request (PDF letter, CSV and XLSX), hold it, or refuse it."""

from datetime import datetime
from pathlib import Path

import typer

from ..cli import app
from ..disclosure import (
    export_answer,
    export_interim,
    get_request,
    mask_client_id,
    new_request,
    open_duplicates,
    record_professional_decision,
    update_request,
)
from ..disclosure.grounds import DECISIONS, REFUSAL_GROUNDS, VERIFICATIONS
from ..disclosure.register import RELATIONS, register_transaction, store_new, update_in
from ..errors import LokivahtiError, StoreError
from ..safe_files import output_folder
from ..workstore import work_path_for
from ._common import config, open_ro, open_rw, out, state, store


class DuplicateRequest(LokivahtiError):
    """An open request of the same client and requester already covers the period."""

    exit_code = 12


def _open():
    """The store for writing (so the client index can be refreshed), else read-only while the pipeline runs."""
    try:
        return open_rw()
    except StoreError:
        return open_ro()


def _draft(work, client, requester, period_from, period_to, received, requester_name, requester_address,
           verified, right_to_act, handler, special_reason, lang, duplicate_ok):
    if not client or not requester or not period_from or not period_to:
        raise LokivahtiError("a new request needs --client, --requester, --from and --to (or --request ID)")
    if requester not in RELATIONS:
        raise LokivahtiError("--requester must be self, guardian or representative")
    if not (handler or "").strip():
        raise LokivahtiError("a new request needs --handler NAME: the letter is signed by the handler")
    if verified not in VERIFICATIONS:
        raise LokivahtiError(f"a new request needs --verified {'|'.join(VERIFICATIONS)}: how the requester's "
                             "identity was checked")
    if requester != "self" and not (right_to_act or "").strip():
        raise LokivahtiError("a guardian or representative needs --right-to-act TEXT: how the right to act for "
                             "the client was shown (e.g. guardian in the population register, a suomi.fi mandate)")
    if period_to < period_from:
        raise LokivahtiError("--to is before --from")
    draft = new_request(
        work, client_id=client, relation=requester, period_from=period_from.date(), period_to=period_to.date(),
        received_on=(received or datetime.now()).date(), requester_name=requester_name,
        requester_address=requester_address, identity_verified=verified, right_to_act=right_to_act,
        handler=handler, special_reason=special_reason, language=lang, config=config())
    duplicates = open_duplicates(work, draft.client_id, requester, draft.period_from, draft.period_to)
    if duplicates and not duplicate_ok:
        listed = ", ".join(f"{d.request_id} ({d.status}, {d.period_from:%d.%m.%Y}-{d.period_to:%d.%m.%Y})"
                           for d in duplicates)
        raise DuplicateRequest(f"an open request of this client and requester already covers the period: {listed}; "
                               "answer it with --request ID, or register a new one anyway with --duplicate-ok")
    return draft


def _decided(work, request_id, decision, decided_by, reason, ground, release_from, release_to, withhold,
             lift_redaction, fee, handler):
    try:
        request = get_request(work, request_id)
    except KeyError:
        raise LokivahtiError(f"no request {request_id[:64]} in the register") from None
    if decision:
        if decision not in DECISIONS or not decided_by:
            raise LokivahtiError(f"--decision must be {', '.join(DECISIONS)}, with --decided-by NAME")
        request = record_professional_decision(
            work, request_id, decision=decision, by=decided_by, reason=reason, ground=ground,
            release_from=release_from.date() if release_from else None,
            release_to=release_to.date() if release_to else None, withheld_rows=withhold or [],
            keep_redaction=not lift_redaction, fee=fee)
    if handler and handler != request.handler:
        request = update_request(work, request_id, actor=handler, handler=handler)
    return request


@app.command("disclose")
def disclose_command(
    client: str = typer.Option(None, "--client", help="The client's personal identity code (never printed)."),
    requester: str = typer.Option(None, "--requester", help="Who asks: self, guardian or representative."),
    period_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day of the period."),
    period_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day of the period."),
    request_id: str = typer.Option(None, "--request",
                                   help="Answer an already registered request (e.g. one held for decision)."),
    decision: str = typer.Option(None, "--decision", "--professional-decision",
                                 help="Used with --request: release, partly or refuse (needs --decided-by; partly and "
                                      "refuse need --ground and --decision-reason)."),
    decided_by: str = typer.Option(None, "--decided-by", help="The handler or professional who decided."),
    decision_reason: str = typer.Option(None, "--decision-reason", help="The written reasoning of the decision."),
    ground: str = typer.Option(None, "--ground", help=f"Ground of a refusal: {', '.join(REFUSAL_GROUNDS)}."),
    release_from: datetime = typer.Option(None, "--release-from", formats=["%Y-%m-%d"],
                                          help="partly: first day released."),
    release_to: datetime = typer.Option(None, "--release-to", formats=["%Y-%m-%d"], help="partly: last day released."),
    withhold: list[str] = typer.Option(None, "--withhold",
                                       help="partly: a row kept back, SYSTEM:EVENT_ID (repeatable)."),
    lift_redaction: bool = typer.Option(False, "--lift-redaction",
                                        help="release: the handler checked that no secret-whereabouts decision covers "
                                             "the period (never lifts one in force)."),
    fee: str = typer.Option(None, "--fee", help="A fee charged for a repeated or excessive request (e.g. '25 €')."),
    interim: bool = typer.Option(False, "--interim", help="Used with --request: write an interim letter, answer nothing."),
    hold: bool = typer.Option(False, "--hold",
                              help="Register the new request and hold it for the handler's decision (answer nothing "
                                   "yet); exit 10."),
    lang: str = typer.Option("fi", "--lang", help="Language of the letter and lists: fi, sv or en."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for the letter (PDF) and the event lists (CSV, XLSX)."),
    received: datetime = typer.Option(None, "--received", formats=["%Y-%m-%d"],
                                      help="Day the written request arrived (default today); the two months run "
                                           "from it."),
    handler: str = typer.Option(None, "--handler", help="The request handler's name (signs the letter)."),
    requester_name: str = typer.Option(None, "--requester-name", help="Name of the requester (recipient block)."),
    requester_address: str = typer.Option(None, "--requester-address",
                                          help="Postal address of the requester (recipient block; ';' breaks lines)."),
    verified: str = typer.Option(None, "--verified", help=f"How identity was checked: {', '.join(VERIFICATIONS)}."),
    right_to_act: str = typer.Option(None, "--right-to-act",
                                     help="How a guardian or representative showed the right to act for the client."),
    special_reason: str = typer.Option(None, "--special-reason",
                                       help="Recorded special reason to release logs older than two years."),
    duplicate_ok: bool = typer.Option(False, "--duplicate-ok",
                                      help="Register even though an open request covers the same client and period."),
    misuse_view: bool = typer.Option(False, "--misuse-view",
                                     help="The requester suspects misuse: add the county's reasoned view (11 § 5 mom)."),
    today: datetime = typer.Option(None, "--today", formats=["%Y-%m-%d"], help="Date of the answer (default today)."),
):
    """Register a request (--client, --requester, --from, --to, --verified, --handler) and answer it, or state why
    it is held or refused.

    Writes REQUEST-letter-LANG.pdf, REQUEST-events-LANG.csv and .xlsx to --out (new files, owner-only; an
    existing file is never overwritten) and records the answer as a disclosure. The request is registered
    together with its outcome: a run that fails registers nothing.

    Exit codes: 0 delivered (also when part is refused: the letter holds the written decision); 10 held for the
    handler's decision (a secret-whereabouts decision that has ended or has no end date, a minor who forbids
    disclosure to guardians, a deceased or unknown client); 11 refused (a written decision with its ground and
    the route to the Data Protection Ombudsman); 12 an open request already covers the same client, requester
    and period (nothing registered); 2 bad input, 3 the store cannot be opened.
    A held request is decided later with --request ID --decision release|partly|refuse --decided-by NAME
    [--ground G --decision-reason TEXT]; --request ID --interim writes an interim letter.
    """
    if lang not in ("fi", "sv", "en"):
        raise LokivahtiError("--lang must be fi, sv or en")
    output_folder(out_dir)  # before the request is registered: a file at --out changes nothing
    if not store().exists():
        raise StoreError(f"{store()}: no store here yet (run `lokivahti reference` and `lokivahti ingest` first)")
    work = work_path_for(state.store)
    day = (today or datetime.now()).date()
    if request_id:
        if interim:
            con = _open()
            try:
                path = export_interim(con, work, request_id, out_dir, lang, today=day, config=config(),
                                      actor=handler)
            finally:
                con.close()
            out.print(f"interim letter: {path}", highlight=False)
            raise typer.Exit(0)
        request = _decided(work, request_id, decision, decided_by, decision_reason, ground, release_from,
                           release_to, withhold, lift_redaction, fee, handler)
    else:
        if decision or interim:
            raise LokivahtiError("--decision and --interim apply to a registered request: use --request ID")
        request = _draft(work, client, requester, period_from, period_to, received, requester_name,
                         requester_address, verified, right_to_act, handler, special_reason, lang, duplicate_ok)
        if hold:
            with register_transaction(work) as wcon:
                stored = store_new(wcon, request, actor=handler)
                stored = update_in(wcon, stored.request_id, actor=handler, change="held", status="held_for_decision",
                                   decision="held by the handler for a decision")
            out.print(f"request {stored.request_id} (client {mask_client_id(stored.client_id)}, {stored.relation}) "
                      f"received {stored.received_on:%d.%m.%Y}, due {stored.due_on:%d.%m.%Y}: HELD for the handler's "
                      "decision; nothing was released", highlight=False)
            raise typer.Exit(10)
    con = _open()
    try:
        result = export_answer(con, work, request, out_dir, lang, today=day, misuse_view=misuse_view,
                               config=config(), actor=decided_by or handler)
    finally:
        con.close()
    d, request = result.decision, result.request
    who = mask_client_id(request.client_id)
    out.print(f"request {request.request_id} (client {who}, {request.relation}) received "
              f"{request.received_on:%d.%m.%Y}, due {request.due_on:%d.%m.%Y}", highlight=False)
    if request.repeated_of:
        out.print(f"repeated request: earlier {request.repeated_of} within the repeat window (may be charged)")
    if d.outcome == "deliver":
        out.print(f"delivered: {result.rows} events", highlight=False)
        if d.redact_location:
            out.print("secret whereabouts (lastensuojelulaki 62 § 3 mom): provider, placement unit and their "
                      "workers replaced by a neutral text in the letter and the lists", highlight=False)
        if d.refused_from:
            out.print(f"part refused: {d.refused_from:%d.%m.%Y}-{d.refused_to:%d.%m.%Y} is older than "
                      f"{d.max_period_years} years and no special reason was given (written decision in the letter)",
                      highlight=False)
        if d.withheld or d.narrowed:
            out.print(f"part refused by the handler ({d.ground}): {len(d.withheld)} row(s) withheld"
                      + (f", released {d.released_from:%d.%m.%Y}-{d.released_to:%d.%m.%Y}" if d.narrowed else ""),
                      highlight=False)
    elif d.outcome == "held_for_decision":
        out.print("HELD for the handler's decision; nothing was released. Then: lokivahti disclose --request "
                  f"{request.request_id} --decision release|partly|refuse --decided-by NAME --out DIR "
                  "(or --interim for an interim letter). Reason:", highlight=False)
    else:
        out.print(f"REFUSED ({d.ground or 'see reasons'}): nothing released; written decision with the route to "
                  "the Data Protection Ombudsman:", highlight=False)
    for reason in d.reason_texts("en"):
        out.print(f"  {reason}", highlight=False)
    for kind, path in result.paths.items():
        out.print(f"  {kind}: {path}", highlight=False)
    for name in result.missing_settings:
        out.print(f"warning: [letter] {name} is not set in the configuration; the letter lacks it", highlight=False,
                  markup=False)
    raise typer.Exit(result.exit_code)
