"""The `lokivahti` command line: one tool for every step, each step in its own module.

Each module in pipelines/commands/ registers its command on `app`. A command's module is imported only
when that command runs (or its own --help is asked), so `lokivahti --help` does not import the model's
or the dashboard's libraries. Errors the user can fix (LokivahtiError) become a one-line reason and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup
from typer.main import get_command_from_info

from .errors import LokivahtiError
from .safe_files import describe_os_error, owner_only_umask

COMMANDS_DIR = Path(__file__).parent / "commands"
# Every step, in the order a user runs them; pipelines/commands/<name>.py registers the command <name>.
COMMAND_MODULES = [
    "generate", "reference", "ingest", "status", "check", "findings", "score",
    "evaluate", "requests", "disclose", "retention", "bench", "serve",
]


def summary(name: str) -> str:
    """The command's help text, read from its module's source without importing the module."""
    tree = ast.parse((COMMANDS_DIR / f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            return ast.get_docstring(node) or ""
    return ""


class LazyCommands(TyperGroup):
    """The group of commands, each loaded from its module on first use."""

    listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        if self.listing:  # the overview of `lokivahti --help` needs only the help text
            return click.Command(name, help=summary(name))
        return load_command(name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

app = typer.Typer(
    name="lokivahti",
    help=(
        "Lokivahti audits who has accessed social-care client records.\n\n"
        "Typical run: `lokivahti reference DIR` (staff, clients, involvement...), "
        "`lokivahti ingest FILES...` (access logs of every client system), `lokivahti check` "
        "(rule checks), `lokivahti score` (anomaly model), then `lokivahti serve` (dashboard)."
    ),
    cls=LazyCommands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)


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


def load_command(name: str) -> click.Command:
    """Loads pipelines/commands/<name>.py (which registers the command on `app`) and build its command."""
    importlib.import_module(f"pipelines.commands.{name}")
    info = next(c for c in app.registered_commands if c.name == name)
    return get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                 rich_markup_mode=app.rich_markup_mode)


def load_commands() -> None:
    """Loads every command's module (for the tests and the documentation, which read them all)."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"pipelines.commands.{name}")


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
    except Exception as exc:
        if not out_of_memory(exc):
            raise
        console.print("[red]error:[/red] the step ran out of memory under the store's memory limit and was rolled "
                      "back; raise `memory_limit` in the configuration's \\[store] table (docs/configuration.md), "
                      "or run fewer things beside it", highlight=False)
        sys.exit(3)


def out_of_memory(exc: BaseException) -> bool:
    """DuckDB's out-of-memory error (a step over `memory_limit`) or Python's: one line, never a traceback."""
    duckdb = sys.modules.get("duckdb")
    return isinstance(exc, MemoryError) or bool(duckdb and isinstance(exc, duckdb.OutOfMemoryException))
