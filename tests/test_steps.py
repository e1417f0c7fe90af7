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
