"""The command line is the product's front door: every command explains itself, bad input gets one line."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from ingest_helpers import HEADER, row
from typer.testing import CliRunner

from pipelines import PROJECT_ROOT
from pipelines.cli import COMMAND_MODULES, app, load_commands

runner = CliRunner()


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `lokivahti` as a user would (a separate process, so exit codes and stderr are real)."""
    return subprocess.run(
        [sys.executable, "-c", "from pipelines.cli import main; main()", *args],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120, check=False,
    )


def registered_commands() -> set[str]:
    load_commands()
    return {c.name for c in app.registered_commands}


def test_every_step_of_the_pipeline_is_a_command():
    assert set(COMMAND_MODULES) <= registered_commands()


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_every_command_has_help_a_new_user_understands(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) >= 3


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_readme_documents_every_command(command):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n  {command} " in readme


def test_ingesting_a_missing_file_is_one_line_and_a_non_zero_exit(tmp_path):
    result = run_cli("--store", str(tmp_path / "s.duckdb"), "ingest", str(tmp_path / "nope.csv"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "nope.csv" in result.stderr and "no such file" in result.stderr


def test_a_reference_folder_that_does_not_exist_is_one_line_and_a_non_zero_exit(tmp_path):
    result = run_cli("--store", str(tmp_path / "s.duckdb"), "reference", str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "not a folder" in result.stderr


def test_a_store_of_a_newer_schema_is_refused_with_a_reason(tmp_path):
    import duckdb

    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, title VARCHAR, applied_at TIMESTAMPTZ)")
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now())")
    con.close()
    result = run_cli("--store", str(path), "ingest", str(PROJECT_ROOT / "README.md"))
    assert result.returncode == 3
    assert "newer than this Lokivahti" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_store_file_is_readable_by_its_owner_only(tmp_path):
    from pipelines.store import connect

    path = tmp_path / "s.duckdb"
    connect(path).close()
    assert path.stat().st_mode & 0o077 == 0


def test_a_folder_of_exports_is_every_file_below_it_in_path_order(tmp_path, small_county):
    """A county delivers one folder per client system; `ingest FOLDER` takes them all (as `make demo` does)."""
    folder = small_county / "events" / "pegasos"
    expected = sorted(p.name for p in folder.rglob("*") if p.is_file())
    store = tmp_path / "s.duckdb"
    assert run_cli("--store", str(store), "reference", str(small_county / "reference")).returncode == 0
    result = run_cli("--store", str(store), "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(store), read_only=True)
    ingested = [r[0] for r in con.execute("SELECT file_name FROM ingest_runs ORDER BY run_id").fetchall()]
    con.close()
    assert ingested == expected


def test_the_overview_of_commands_imports_none_of_them():
    """`lokivahti --help` answers at once: no command's module, and so no model or database library, is loaded."""
    probe = ("import sys\nsys.argv = ['lokivahti', '--help']\nfrom pipelines.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "heavy = ('sklearn', 'duckdb', 'polars', 'streamlit', 'pipelines.commands.score')\n"
             "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            timeout=120, check=False)
    assert "check" in result.stdout and "serve" in result.stdout
    assert result.stderr.strip() == "[]"


def test_a_step_over_the_memory_limit_is_one_line_naming_the_setting_and_a_non_zero_exit(tmp_path):
    """A store under a limit too small for the step's statements: the user reads what to change, not a traceback
    (DuckDB's own message suggests SET statements the user cannot give). Ingest refuses the file alone."""
    config = tmp_path / "tiny.toml"
    config.write_text('[store]\nmemory_limit = "2MB"\n', encoding="utf-8")
    export = tmp_path / "pegasos.csv"
    export.write_text(HEADER + row(1) + row(2), encoding="utf-8")
    common = ("--store", str(tmp_path / "s.duckdb"), "--config", str(config))
    ingested = run_cli(*common, "ingest", str(export))
    assert "ran out of memory under its memory_limit" in " ".join((ingested.stdout + ingested.stderr).split())
    checked = run_cli(*common, "check")
    assert checked.returncode == 3, checked.stdout + checked.stderr
    assert "raise `memory_limit` in the configuration's [store] table" in " ".join((checked.stdout + checked.stderr).split())
    assert "Traceback" not in ingested.stdout + ingested.stderr + checked.stdout + checked.stderr
