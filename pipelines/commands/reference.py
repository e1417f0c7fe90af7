"""`lokivahti reference DIR`: import a reference-data folder."""

from pathlib import Path

import typer
from rich.table import Table

from .. import steps
from ..cli import app
from ._common import config, err, out, store


@app.command("reference")
def reference_command(
    folder: Path = typer.Argument(..., help="Folder with organisations.csv, staff.csv, accounts.csv, ... (DOMAIN.md)."),
):
    """Reads staff, accounts, roles, clients, involvement and authorisations (replaces the previous snapshot)."""
    result = steps.reference(store(), folder, config=config()).detail
    table = Table("table", "rows", title=f"reference import {result['import_id']}")
    for name, rows in result["rows"].items():
        table.add_row(name, str(rows))
    out.print(table)
    rejects = result["rejects"]
    if rejects:
        err.print(f"[yellow]{len(rejects)} row(s) kept out[/yellow] (stored in reference_rejects):")
        for r in rejects[:20]:
            err.print(f"  {r.file_name}:{r.line_no} [{r.column or '-'}] {r.reason}", highlight=False)
