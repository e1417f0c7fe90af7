"""The pipeline's steps carry their own follow-up duties, so every face (command, dashboard, benchmark) gets
the same result: the dashboard reads a snapshot that a check has published, and a bad file is named
without stopping the others (each file is its own transaction)."""

from __future__ import annotations

from pathlib import Path

from pipelines import steps
from pipelines.config import load_config
from pipelines.store import connect, snapshot_path

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CONFIG = load_config()


def count(path: Path, table: str) -> int:
    con = connect(path, read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_a_bad_file_is_named_and_the_other_files_go_in(tmp_store, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = steps.ingest(tmp_store, [FIXTURES / "effica.csv", empty], config=CONFIG)
    assert not result.ok and len(result.problems) == 1 and "empty.csv" in result.problems[0]
    assert [Path(t.path).name for t in result.detail] == ["effica.csv"]
    assert count(tmp_store, "events") == result.detail[0].normalised_new > 0


def test_a_check_publishes_the_snapshot_the_dashboard_reads(tmp_store):
    steps.ingest(tmp_store, [FIXTURES / "effica.csv"], config=CONFIG)
    assert not snapshot_path(tmp_store).exists()
    result = steps.check(tmp_store, config=CONFIG)
    assert result.ok and result.published == snapshot_path(tmp_store)
    assert count(result.published, "events") == count(tmp_store, "events")
    assert count(result.published, "check_runs") == 1


def test_a_run_stops_when_the_reference_data_cannot_be_read(tmp_store, tmp_path):
    results = steps.run_all(tmp_store, tmp_path / "no-such-folder", [FIXTURES / "effica.csv"], config=CONFIG)
    assert [r.step for r in results] == ["reference"]
    assert not results[0].ok and "no-such-folder" in results[0].problems[0]
    assert count(tmp_store, "events") == 0


def test_every_step_works_under_the_configured_memory_limit(tmp_store, monkeypatch):
    """`[store] memory_limit` bounds each step's DuckDB connection, not only the check's rules: a scoring run, the
    client copy's update and the snapshot's publication opened the store under DuckDB's default (80 % of the
    machine's memory) and, on a year of a large county, held 9 GB. Each step's work is watched from inside."""
    from pipelines import scoring, snapshot
    from pipelines.checks import runner
    from pipelines.disclosure import index
    from pipelines.ingest import engine

    config = {**CONFIG, "store": {**CONFIG["store"], "memory_limit": "300MiB"}}
    seen: dict[str, str] = {}

    def watch(module, name, label):
        real = getattr(module, name)

        def watched(con, *args, **kwargs):
            seen[label] = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
            return real(con, *args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    watch(engine, "ingest_files", "ingest")
    watch(index, "update_client_index", "client copy")
    watch(scoring, "score", "score")
    watch(snapshot, "publish", "publication")
    monkeypatch.setattr(runner, "apply_limits", lambda con, config: None)  # the step's own connection must do it
    steps.ingest(tmp_store, [FIXTURES / "effica.csv"], config=config)
    steps.check(tmp_store, config=config)
    steps.score(tmp_store, config=config)

    assert set(seen) == {"ingest", "client copy", "score", "publication"}
    assert set(seen.values()) == {"300.0 MiB"}, seen


def test_the_check_step_does_not_load_the_letters_pdf_library():
    """The check step's duties need the client copy (pipelines/disclosure/index.py), not the answer letter: the
    package's public names load when first asked for, and importing the PDF library with every check cost the
    step about half a second of its ten on a year of a large county. The public names all still resolve."""
    import subprocess
    import sys

    probe = ("import sys; import pipelines.steps, pipelines.checks.runner, pipelines.disclosure.index; "
             "print(sorted(m for m in ('fpdf', 'pipelines.disclosure.exports', 'pipelines.disclosure.letter') "
             "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"

    from pipelines import disclosure

    assert all(callable(getattr(disclosure, name)) for name in disclosure.__all__)
