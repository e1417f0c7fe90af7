"""The `lokivahti` command line: one tool for every step, each step in its own module.

Each module in pipelines/commands/ registers its command on `app`. Errors the user can fix
(LokivahtiError) become a one-line reason and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from .errors import LokivahtiError
from .safe_files import describe_os_error, owner_only_umask

app = typer.Typer(
    name="lokivahti",
    help=(
        "Lokivahti audits who has accessed social-care client records.\n\n"
        "Typical run: `lokivahti reference DIR` (staff, clients, involvement...), "
        "`lokivahti ingest FILES...` (access logs of every client system), `lokivahti check` "
        "(rule checks), `lokivahti score` (anomaly model), then `lokivahti serve` (dashboard)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)

# Every step, in the order a user runs them. A module missing here is a command not yet built.
COMMAND_MODULES = [
    "generate", "reference", "ingest", "status", "check", "findings", "score",
    "evaluate", "requests", "disclose", "retention", "bench", "serve",
]


class State:
    store: str | None = None
    config: str | None = None


state = State()


@app.callback()
def _global(
    store: str = typer.Option(
        None, "--store", envvar="LOKIVAHTI_STORE",
        help="The DuckDB store file (default ./lokivahti.duckdb).",
    ),
    config: str = typer.Option(
        None, "--config", envvar="LOKIVAHTI_CONFIG",
        help="A TOML file merged over lokivahti.toml (thresholds, windows, model settings).",
    ),
):
    state.store = store
    state.config = config


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"pipelines.commands.{_name}")
    except ModuleNotFoundError as exc:  # pragma: no cover - only while a step is being built
        if exc.name != f"pipelines.commands.{_name}":
            raise


def main() -> None:
    owner_only_umask()  # the store, its WAL and every export are owner-only (pipelines/safe_files.py)
    try:
        app()
    except LokivahtiError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a missing folder, a full disk: one line, never a traceback
        console.print(f"[red]error:[/red] {escape(describe_os_error(exc))}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("interrupted; the file in progress was rolled back")
        sys.exit(130)
