"""`lokivahti bench`: performance figures as ratios to bare DuckDB operations in the same run."""

from pathlib import Path

import typer

from ..cli import app
from ._common import out


@app.command("bench")
def bench_command(
    events: list[int] = typer.Option(
        [1_000_000, 10_000_000], "--events", help="Sizes to measure (repeat the option); 10 M vs 1 M shows growth."
    ),
    out_dir: Path = typer.Option(Path("bench-data"), "--out", help="Where generated data and stores go."),
    reference: Path | None = typer.Option(None, "--reference", help="Reference folder (default: the small county)."),
    pages: bool = typer.Option(True, "--pages/--no-pages", help="Also time each dashboard page's first render."),
    county: list[str] = typer.Option(["medium"], "--county",
                                     help="Also measure a generated county of this size (repeatable; its own shape: "
                                          "medium is ingested from its files, large and xlarge are generated "
                                          "straight into a store), or 'none'."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated counties (cached per size, seed and "
                                               "generator version)."),
    skip: list[str] = typer.Option([], "--skip",
                                   help="Leave out a phase (repeatable): check, score, disclosure, incremental."),
):
    """Ingest vs bare read_csv, checks and scoring vs a bare aggregation, a client's answer vs a full scan."""
    # The benchmarks are a face of their own (they drive the pipeline and the dashboard from outside):
    # imported when the command runs, not when the command line is built.
    from ..benchmarks import run_benchmark

    run_benchmark(out_dir, sorted(events), reference, pages=pages, echo=lambda s: out.print(s, highlight=False),
                  county=[c for c in county if c != "none"], skip=frozenset(skip), seed=seed)
