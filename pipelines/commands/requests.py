"""`lokivahti requests`: the register of "who viewed my data" requests and their due dates."""

from datetime import datetime

import typer
from rich.table import Table

from ..cli import app
from ..disclosure import list_requests
from ..workstore import work_path_for
from ._common import config, out, state


def _d(d) -> str:
    return f"{d.day}.{d.month}.{d.year}"


@app.command("requests")
def requests_command(
    today: datetime = typer.Option(None, "--today", formats=["%Y-%m-%d"], help="Reference day for due marks (default today)."),
):
    """List the requests: received, due (two months, 703/2023 11 §), status, handler.

    OVERDUE marks an open request past its statutory due date; SOON one due within [requests] soon_due_days.
    Client identity codes are masked.
    """
    frame = list_requests(work_path_for(state.store), (today or datetime.now()).date(), config())
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
