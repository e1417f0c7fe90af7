"""`lokivahti retention [--apply]`: what is past its retention period; deleted only with --apply."""

import typer
from rich.table import Table

from ..cli import app
from ..ingest.applog import os_user
from ..retention import purge, report
from ..store import publish_snapshot
from ..workstore import work_path_for
from ._common import config, open_rw, out, store


@app.command("retention")
def retention_command(
    apply: bool = typer.Option(False, "--apply", help="Really delete what is past its period (logged). Without it: report only."),
):
    """Report events, quarantined records, findings, requests and reviews past their retention period
    ([retention] in the configuration: 12 years from the end of the event's year by default)."""
    cfg = config()
    work = work_path_for(store())
    con = open_rw()
    try:
        lines = purge(con, work, cfg, actor=os_user()) if apply else report(con, work, cfg)
    finally:
        con.close()
    t = Table("data", "past its period", "oldest", "kept from", title="retention" + (" (deleted)" if apply else ""))
    for line in lines:
        t.add_row(line.what, f"{line.past_period:,}", str(line.oldest or "-"), str(line.kept_from))
    out.print(t)
    if apply:
        publish_snapshot(store(), config=cfg)
        out.print("deleted; the purge is recorded in Lokivahti's own use log")
    elif any(line.past_period for line in lines):
        out.print("nothing deleted: run `lokivahti retention --apply` to delete it")
