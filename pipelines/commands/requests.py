"""`lokivahti requests`: the register of "who viewed my data" requests, their due dates, corrections and history."""

from datetime import datetime

import typer
from rich.table import Table

from ..cli import app
from ..disclosure import cancel_request, correct_request, get_request, list_requests, request_history
from ..errors import LokivahtiError
from ..workstore import work_path_for
from ._common import config, out, state


def _d(d) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def _history(work, request_id: str) -> None:
    try:
        get_request(work, request_id)
    except KeyError:
        raise LokivahtiError(f"no request {request_id[:64]} in the register") from None
    table = Table(title=f"history of {request_id}")
    for name in ("at", "actor", "change", "detail", "reason"):
        table.add_column(name, overflow="fold")
    for r in request_history(work, request_id).iter_rows(named=True):
        table.add_row(r["at"], r["actor"], r["change"], r["detail"] or "", r["reason"] or "")
    out.print(table)


@app.command("requests")
def requests_command(
    today: datetime = typer.Option(None, "--today", formats=["%Y-%m-%d"], help="Reference day for due marks (default today)."),
    cancel: str = typer.Option(None, "--cancel", help="Cancel this open request (needs --by and --reason)."),
    correct: str = typer.Option(None, "--correct",
                                help="Correct this open request (needs --by and --reason; --received, --from, --to, "
                                     "--requester-name, --requester-address)."),
    history: str = typer.Option(None, "--history", help="Show every change of this request."),
    by: str = typer.Option(None, "--by", help="Who cancels or corrects."),
    reason: str = typer.Option(None, "--reason", help="Why."),
    received: datetime = typer.Option(None, "--received", formats=["%Y-%m-%d"], help="Corrected received date."),
    period_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="Corrected first day."),
    period_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Corrected last day."),
    requester_name: str = typer.Option(None, "--requester-name", help="Corrected requester name."),
    requester_address: str = typer.Option(None, "--requester-address", help="Corrected requester address."),
):
    """List the requests: received, due (two months, 703/2023 11 §), status, handler; or correct, cancel, show history.

    OVERDUE marks an open request past its statutory due date; SOON one due within [requests] soon_due_days.
    Client identity codes are masked. A correction or cancellation keeps the old values in the history;
    a corrected received date moves the due dates.
    """
    work = work_path_for(state.store)
    if history:
        _history(work, history)
        return
    try:
        if cancel:
            done = cancel_request(work, cancel, by=by or "", reason=reason or "")
            out.print(f"request {done.request_id} cancelled", highlight=False)
            return
        if correct:
            done = correct_request(
                work, correct, by=by or "", reason=reason or "", config=config(),
                received_on=received.date() if received else None,
                period_from=period_from.date() if period_from else None,
                period_to=period_to.date() if period_to else None,
                requester_name=requester_name, requester_address=requester_address)
            out.print(f"request {done.request_id} corrected: received {_d(done.received_on)}, due {_d(done.due_on)}, "
                      f"period {_d(done.period_from)}–{_d(done.period_to)}", highlight=False)
            return
    except KeyError:
        raise LokivahtiError(f"no request {(cancel or correct)[:64]} in the register") from None
    frame = list_requests(work, (today or datetime.now()).date(), config())
    table = Table(title="requests")
    table.add_column("mark", no_wrap=True, min_width=7)
    for name in ("request", "received", "due", "status", "client", "requester", "period", "handler"):
        table.add_column(name, overflow="fold")
    for r in frame.iter_rows(named=True):
        mark = "OVERDUE" if r["overdue"] else ("SOON" if r["soon_due"] else "")
        if r["repeated_of"]:
            mark = (mark + " repeat").strip()
        table.add_row(mark, r["request_id"], _d(r["received_on"]), _d(r["due_on"]), r["status"], r["client"],
                      r["relation"], f"{_d(r['period_from'])}–{_d(r['period_to'])}", r["handler"] or "")
    out.print(table)
    open_count = int((frame["overdue"] | frame["soon_due"]).sum()) if frame.height else 0
    out.print(f"{frame.height} request(s); {int(frame['overdue'].sum()) if frame.height else 0} overdue; "
              f"{open_count} overdue or soon due", highlight=False)
