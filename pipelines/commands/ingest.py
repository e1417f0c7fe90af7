"""`lokivahti ingest FILE...`: normalise access-log files of any supported format into the store."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..cli import app
from ..errors import InputError
from ..ingest.engine import ingest_file
from ._common import config, err, open_rw, out


def expand_folders(paths: list[Path]) -> list[Path]:
    """Files as given; a folder becomes the files below it, in path order."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                   and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            expanded.append(path)
    return expanded


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
    files = expand_folders(files)
    con = open_rw()
    cfg = config()
    table = Table("file", "format", "read", "new", "already stored", "quarantined", title="ingest tally")
    failed = 0
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                progress.update(task, description=f"ingesting {path.name}")
                try:
                    t = ingest_file(con, path, source=source, config=cfg)
                except InputError as exc:  # the engine turns every failure into one (no input ends the run)
                    failed += 1
                    err.print(f"[red]refused:[/red] {escape(str(exc))} (file not ingested; store unchanged)",
                              highlight=False, soft_wrap=True)
                    table.add_row(path.name, "refused", "-", "-", "-", "-")
                    progress.advance(task)
                    continue
                table.add_row(path.name, t.format, str(t.records_read), str(t.normalised_new),
                              str(t.normalised_existing), str(t.quarantined))
                progress.advance(task)
    finally:
        con.close()
    out.print(table)
    out.print("every file balances: read = new + already stored + quarantined")
    if failed:
        out.print(f"{failed} of {len(files)} file(s) refused (see the lines above); the others were ingested")
        raise typer.Exit(code=2)
