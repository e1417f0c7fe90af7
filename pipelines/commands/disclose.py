"""`lokivahti disclose`: answer one "who viewed my data" request (PDF letter, CSV and XLSX)."""

from datetime import datetime
from pathlib import Path

import typer
from stdnum.exceptions import ValidationError
from stdnum.fi import hetu

from ..cli import app
from ..disclosure import (
    export_answer,
    get_request,
    mask_client_id,
    record_professional_decision,
    register_request,
    update_request,
)
from ..disclosure.register import RELATIONS
from ..errors import LokivahtiError, StoreError
from ..safe_files import output_folder
from ..workstore import work_path_for
from ._common import config, open_ro, open_rw, out, state, store


def _open():
    """The store for writing (so the client index can be refreshed), else read-only while the pipeline runs."""
    try:
        return open_rw()
    except StoreError:
        return open_ro()


def _register(work, client, requester, period_from, period_to, received, requester_name, handler, special_reason,
              lang):
    if not client or not requester or not period_from or not period_to:
        raise LokivahtiError("a new request needs --client, --requester, --from and --to (or --request ID)")
    if requester not in RELATIONS:
        raise LokivahtiError("--requester must be self, guardian or representative")
    try:
        client = hetu.validate(client.strip().upper(), allow_temporary=True)
    except ValidationError:  # the message never repeats the code
        raise LokivahtiError("--client is not a valid personal identity code") from None
    if period_to < period_from:
        raise LokivahtiError("--to is before --from")
    return register_request(
        work, client_id=client.strip(), relation=requester, period_from=period_from.date(), period_to=period_to.date(),
        received_on=(received or datetime.now()).date(), requester_name=requester_name, handler=handler,
        special_reason=special_reason, language=lang, config=config(),
    )


def _existing(work, request_id, professional, decided_by, reason, handler):
    try:
        request = get_request(work, request_id)
    except KeyError:
        raise LokivahtiError(f"no request {request_id} in the register") from None
    if professional:
        if professional not in ("release", "refuse") or not decided_by:
            raise LokivahtiError("--professional-decision must be release or refuse, with --decided-by NAME")
        request = record_professional_decision(work, request_id, release=professional == "release", by=decided_by,
                                               reason=reason)
    if handler:
        request = update_request(work, request_id, handler=handler)
    return request


@app.command("disclose")
def disclose_command(
    client: str = typer.Option(None, "--client", help="The client's personal identity code (never printed)."),
    requester: str = typer.Option(None, "--requester", help="Who asks: self, guardian or representative."),
    period_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day of the period."),
    period_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day of the period."),
    request_id: str = typer.Option(None, "--request",
                                   help="Answer an already registered request (e.g. one held for decision)."),
    professional: str = typer.Option(None, "--professional-decision",
                                     help="With --request: release or refuse a held request (needs --decided-by)."),
    decided_by: str = typer.Option(None, "--decided-by", help="The professional who decided."),
    decision_reason: str = typer.Option(None, "--decision-reason", help="The professional's reasons."),
    lang: str = typer.Option("fi", "--lang", help="Language of the letter and lists: fi, sv or en."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for the letter (PDF) and the event lists (CSV, XLSX)."),
    received: datetime = typer.Option(None, "--received", formats=["%Y-%m-%d"],
                                      help="Day the written request arrived (default today); sets the due date."),
    handler: str = typer.Option(None, "--handler", help="The request handler's name (recorded, printed in the letter)."),
    requester_name: str = typer.Option(None, "--requester-name", help="Name of the guardian or representative."),
    special_reason: str = typer.Option(None, "--special-reason",
                                       help="Recorded special reason to release logs older than two years."),
    misuse_view: bool = typer.Option(False, "--misuse-view",
                                     help="The requester suspects misuse: add the county's reasoned view (11 § 5 mom)."),
    today: datetime = typer.Option(None, "--today", formats=["%Y-%m-%d"], help="Date of the answer (default today)."),
):
    """Register a request (--client, --requester, --from, --to) and answer it, or state why it is held or refused.

    Writes REQUEST-letter-LANG.pdf, REQUEST-events-LANG.csv and .xlsx to --out and records the answer
    as a disclosure. Exit codes: 0 delivered; 10 held for a professional's decision (a minor forbids
    disclosure to guardians, a deceased client, an unknown client); 11 refused (the whole period is older
    than two years and no special reason was given, or a professional refused a held request: a written
    decision with appeal instructions is written). A held request is answered later with
    --request ID --professional-decision release|refuse --decided-by NAME [--decision-reason TEXT].
    """
    if lang not in ("fi", "sv", "en"):
        raise LokivahtiError("--lang must be fi, sv or en")
    output_folder(out_dir)  # before the request is registered: a file at --out changes nothing
    if not store().exists():
        raise StoreError(f"{store()}: no store here yet (run `lokivahti reference` and `lokivahti ingest` first)")
    work = work_path_for(state.store)
    if request_id:
        request = _existing(work, request_id, professional, decided_by, decision_reason, handler)
        requester = request.relation
    else:
        request = _register(work, client, requester, period_from, period_to, received, requester_name, handler,
                            special_reason, lang)
    con = _open()
    try:
        result = export_answer(con, work, request, out_dir, lang, today=(today or datetime.now()).date(),
                               misuse_view=misuse_view, config=config())
    finally:
        con.close()
    d = result.decision
    who = mask_client_id(request.client_id)
    out.print(f"request {request.request_id} (client {who}, {requester}) due {request.due_on:%d.%m.%Y}", highlight=False)
    if request.repeated_of:
        out.print(f"repeated request: earlier {request.repeated_of} within the repeat window (may be charged)")
    if d.outcome == "deliver":
        out.print(f"delivered: {result.rows} events", highlight=False)
        if d.redact_location:
            out.print("secret placement in force: provider, placement unit and their workers replaced by a neutral text")
        if d.refused_from:
            out.print(f"part refused: {d.refused_from:%d.%m.%Y}-{d.refused_to:%d.%m.%Y} is older than "
                      f"{d.max_period_years} years and no special reason was given (written decision in the letter)")
    elif d.outcome == "held_for_decision":
        out.print("held for a professional's decision (then: lokivahti disclose --request "
                  f"{request.request_id} --professional-decision release|refuse --decided-by NAME --out DIR):",
                  highlight=False)
    else:
        out.print("refused (written decision with appeal instructions):", highlight=False)
    for reason in d.reason_texts("en"):
        out.print(f"  {reason}", highlight=False)
    for kind, path in result.paths.items():
        out.print(f"  {kind}: {path}", highlight=False)
    raise typer.Exit(result.exit_code)
