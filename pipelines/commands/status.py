"""`lokivahti status`: what the store holds, per source system."""

import typer
from rich.table import Table

from ..cli import app
from ..ingest.applog import verify_chain
from ..sqlfiles import steps
from ..workstore import work_path_for
from ._common import err, open_ro, out, store


@app.command("status")
def status_command():
    """Show events per source system, quarantine, reference data and schema version."""
    query = dict(steps("status/summary.sql"))
    con = open_ro()
    try:
        version = con.execute(query["version"]).fetchone()[0]
        out.print(f"store {store()} (schema version {version})")
        t = Table("source system", "events", "first (Helsinki)", "last (Helsinki)", title="events")
        for row in con.execute(query["events"]).fetchall():
            t.add_row(row[0], f"{row[1]:,}", str(row[2])[:19], str(row[3])[:19])
        out.print(t)
        q = Table("reason", "records", title="quarantine")
        for reason, n in con.execute(query["quarantine"]).fetchall():
            q.add_row(reason, f"{n:,}")
        out.print(q)
        r = Table("reference table", "rows", title="reference data")
        for table, n in con.execute(query["reference"]).fetchall():
            r.add_row(table, f"{n:,}")
        out.print(r)
        runs = con.execute(query["ingest"]).fetchone()
        out.print(f"ingest runs {runs[0]}: read {runs[1] or 0:,} = new {runs[2] or 0:,} + already stored "
                  f"{runs[3] or 0:,} + quarantined {runs[4] or 0:,}")
        chain = verify_chain(work_path_for(store()), con)
    finally:
        con.close()
    _report_chain(chain)


def _report_chain(chain) -> None:
    """The own use log's hash chain: intact, or where it breaks (exit 5: the trail was tampered with)."""
    if chain.intact:
        legacy = f" ({chain.unchained} rows from before the chain)" if chain.unchained else ""
        out.print(f"own use log: {chain.rows:,} rows, hash chain intact{legacy}")
        return
    if chain.broken_at is not None:
        err.print(f"[red]own use log: hash chain broken at row {chain.broken_at}[/red] (a row was edited, "
                  "deleted or inserted out of turn from there on)", highlight=False)
    if chain.missing_imported:
        err.print(f"[red]own use log: {chain.missing_imported} rows already imported into the store are "
                  "missing from the log[/red]", highlight=False)
    raise typer.Exit(code=5)
