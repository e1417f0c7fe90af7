"""`lokivahti ingest FILE...`: normalise access-log files of any supported format into the store."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import steps
from ..cli import app
from ._common import config, err, out, store


@app.command("ingest")
def ingest_command(
    files: list[Path] = typer.Argument(
        ..., help="Event files (canonical CSV, a client system's export, FHIR, ATNA) or folders of them."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Name of a mapping in sql/mappings (e.g. effica) when detection is not enough."
    ),
):
    """Reads event files into the store. Each file is one transaction; the tally shows where every record went.

    A folder stands for every file below it (sorted by path; hidden files skipped), so a county's export
    folder with one sub-folder per client system is one argument."""
    files = steps.expand_folders(files)
    table = Table("file", "format", "read", "new", "already stored", "quarantined", title="ingest tally")
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))

        def done(path: Path, tally, problem: str | None) -> None:
            if problem is not None:  # the engine turns every failure into one (no input ends the run)
                err.print(f"[red]refused:[/red] {escape(problem)}", highlight=False, soft_wrap=True)
                table.add_row(path.name, "refused", "-", "-", "-", "-")
            else:
                table.add_row(path.name, tally.format, str(tally.records_read), str(tally.normalised_new),
                              str(tally.normalised_existing), str(tally.quarantined))
            progress.update(task, description=f"ingesting {path.name}")
            progress.advance(task)

        result = steps.ingest(store(), files, config=config(), source=source, on_file=done)
    out.print(table)
    out.print("every file balances: read = new + already stored + quarantined")
    if not result.ok:
        out.print(f"{len(result.problems)} of {len(files)} file(s) refused (see the lines above); "
                  "the others were ingested")
        raise typer.Exit(code=2)
