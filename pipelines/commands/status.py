"""`lokivahti status`: what the store holds, per source system."""

from rich.table import Table

from ..cli import app
from ..sqlfiles import steps
from ._common import open_ro, out, store


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
    finally:
        con.close()
