"""`lokivahti generate`: write a synthetic county (reference data, access logs, planted labels)."""

from pathlib import Path
from time import perf_counter

import typer
from rich.table import Table

from ..cli import app
from ..generate import generate
from ..generate.sizes import SIZES, VECTORISED
from ._common import config, out


@app.command("generate")
def generate_command(
    size: str = typer.Option("small", "--size", help=f"One of {', '.join(SIZES)}."),
    seed: int = typer.Option(7, "--seed", help="Same seed, byte-identical files."),
    out_dir: Path = typer.Option(..., "--out", help="Folder to write reference/, events/ and labels/ into."),
    formats: str = typer.Option("all", "--formats",
                                help="'all' (every source format) or 'canonical' (only the canonical event CSV)."),
    workers: int = typer.Option(0, "--workers", min=0,
                                help="Processes writing the months (0: two for medium and large, else one). "
                                     "The files are the same for any number."),
    engine: str = typer.Option("auto", "--engine",
                               help="'events' (event by event, every format, planted labelled cases), 'vectorised' "
                                    "(DuckDB set operations, canonical CSV only, no labels; large and xlarge) or "
                                    "'auto' (vectorised for large and xlarge)."),
    store: Path | None = typer.Option(None, "--store",
                                      help="Vectorised engine only: write the events straight into this store (its "
                                           "reference data imported from the folder written to --out), as ingesting "
                                           "the CSV files would store them, instead of writing the files."),
):
    """Generate a synthetic county with planted rule violations, near misses and anomalies."""
    if size not in SIZES:
        raise typer.BadParameter(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if formats not in ("all", "canonical"):
        raise typer.BadParameter("--formats is 'all' or 'canonical'")
    if engine not in ("auto", "events", "vectorised"):
        raise typer.BadParameter("--engine is 'auto', 'events' or 'vectorised'")
    if store is not None and store.exists():  # its events would be stored twice: a generated store is always new
        raise typer.BadParameter(f"--store {store} already exists; give a new path")
    started = perf_counter()
    if engine == "vectorised" or (engine == "auto" and size in VECTORISED):
        _generate_vectorised(size, seed, out_dir, started, store)
        return
    if store is not None:
        raise typer.BadParameter("--store is written by the vectorised generator only (--engine vectorised)")
    if size == "xlarge":
        raise typer.BadParameter("xlarge is written by the vectorised generator only (--engine vectorised)")
    summary = generate(size, seed, out_dir, canonical_only=formats == "canonical", thresholds=config()["checks"],
                       workers=workers or None)
    _print_events(summary.events, f"{size} county, seed {seed}: {out_dir}")
    out.print(f"{summary.staff} staff, {summary.clients} clients; "
              f"{sum(summary.violations.values())} violation labels over {len(summary.violations)} rules, "
              f"{sum(summary.near_misses.values())} near misses, {sum(summary.key_labels.values())} key labels, "
              f"{summary.anomalies} anomalous user-days; {perf_counter() - started:.1f} s")


def _print_events(events, title: str) -> None:
    """Events written per source system, and their total."""
    table = Table("source system", "events", title=title)
    for src, n in sorted(events.items()):
        table.add_row(src, f"{n:,}")
    table.add_row("total", f"{sum(events.values()):,}")
    out.print(table)


def _generate_vectorised(size: str, seed: int, out_dir: Path, started: float, store: Path | None) -> None:
    from ..generate.vectorised import SHAPES, generate_vectorised

    if size not in SHAPES:
        raise typer.BadParameter(f"the vectorised generator writes {', '.join(SHAPES)}, not {size}")
    summary = generate_vectorised(size, seed, out_dir, store=store, progress=lambda month, n: out.print(
        f"{month:%Y-%m}: {n:,} events so far ({perf_counter() - started:.0f} s)"))
    _print_events(summary.events, f"{size} county (vectorised), seed {seed}: {out_dir}")
    where = f"into the store {store}" if store is not None else "in the canonical CSV"
    out.print(f"{summary.staff} staff, {summary.clients} clients, {summary.files} event files {where}; "
              f"no planted labels; {perf_counter() - started:.1f} s")
