"""`lokivahti ingest FILE...`: normalise access-log files of any supported format into the store."""

from pathlib import Path

import typer
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
    """Import event files. Each file is one transaction; the tally shows where every record went.

    A folder stands for every file below it (sorted by path; hidden files skipped), so a county's export
    folder with one sub-folder per client system is one argument."""
    files = steps.expand_folders(files)
    table = Table("file", "format", "read", "new", "already stored", "quarantined", title="ingest tally")
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))

        def advance(path: Path) -> None:
            progress.update(task, description=f"ingesting {path.name}")
            progress.advance(task)

        result = steps.ingest(store(), files, config=config(), source=source, progress=advance)
    for t in result.detail:
        table.add_row(Path(t.path).name, t.format, str(t.records_read), str(t.normalised_new),
                      str(t.normalised_existing), str(t.quarantined))
    for problem in result.problems:
        err.print(f"[red]error:[/red] {problem}", highlight=False)
    out.print(table)
    out.print("every file balances: read = new + already stored + quarantined")
    if not result.ok:
        raise typer.Exit(code=2)
