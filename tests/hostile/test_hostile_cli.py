"""No input ends a run: `lokivahti ingest` of many files refuses the bad ones with one line each, ingests
the rest, prints every file's tally, and says by its exit code whether anything was refused. Output
paths that cannot be written are one clear line too, before anything is changed.
"""

from __future__ import annotations

import subprocess
import sys

from pipelines import PROJECT_ROOT
from pipelines.store import connect

HETU = "010315A9010"
HEADER = "source_system,source_event_id,event_time,account,client_id,action\n"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`lokivahti` in its own process, as a user runs it: real exit codes, real stderr, wide output."""
    return subprocess.run([sys.executable, "-c", "from pipelines.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=False,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_a_batch_with_hostile_files_ingests_the_good_ones_and_refuses_each_bad_one_in_one_line(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a_good.csv").write_text(HEADER + f"effica,E1,2024-03-04T09:15:00,anna,{HETU},read\n", encoding="utf-8")
    (logs / "b_nested.json").write_text('{"resourceType": "AuditEvent", "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
                                        encoding="utf-8")
    (logs / "c_wide_header.csv").write_text('"' + "h" * 200_000 + '"\n', encoding="utf-8")
    (logs / "d_no_action.csv").write_text("source_system,source_event_id,event_time,account,client_id\n"
                                          f"effica,E2,2024-03-04T09:15:00,anna,{HETU}\n", encoding="utf-8")
    (logs / "e_claims_lokivahti.csv").write_text(
        HEADER + f"lokivahti,999999,2024-03-04T09:15:00,dpo,{HETU},read\n", encoding="utf-8")
    (logs / "f_good.csv").write_text(HEADER + f"effica,E3,2024-03-04T09:16:00,anna,{HETU},read\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    result = run_cli("--store", str(store), "ingest", str(logs))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused:")]
    assert len(refused) == 3, result.stderr  # the wide header, the missing column, the reserved source
    assert any("d_no_action.csv:1 [action]" in line and "'action'" in line for line in refused)
    assert any("e_claims_lokivahti.csv" in line and "reserved" in line for line in refused)
    assert HETU not in result.stderr
    for name in ("a_good.csv", "b_nested.json", "c_wide_header.csv", "d_no_action.csv", "f_good.csv"):
        assert name in result.stdout  # every file's tally, refused ones marked
    assert "3 of 6 file(s) refused" in result.stdout
    con = connect(store, read_only=True)
    assert con.execute("SELECT source_event_id FROM events ORDER BY 1").fetchall() == [("E1",), ("E3",)]
    assert con.execute("SELECT reason FROM quarantine").fetchall()[0][0].startswith("resource nested deeper")
    con.close()


def test_an_all_good_batch_exits_0(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(HEADER + f"effica,E1,2024-03-04T09:15:00,anna,{HETU},read\n", encoding="utf-8")
    result = run_cli("--store", str(tmp_path / "s.duckdb"), "ingest", str(path))
    assert result.returncode == 0, result.stderr


def test_findings_into_a_missing_folder_is_one_line(tmp_path):
    store = tmp_path / "s.duckdb"
    connect(store).close()
    result = run_cli("--store", str(store), "findings", "--out", str(tmp_path / "nope" / "f.csv"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:") and "does not exist" in result.stderr


def test_disclose_onto_an_existing_file_is_one_line_and_registers_nothing(tmp_path):
    store = tmp_path / "s.duckdb"
    connect(store).close()
    target = tmp_path / "answer.pdf"
    target.write_text("an earlier answer", encoding="utf-8")
    result = run_cli("--store", str(store), "disclose", "--client", HETU, "--requester", "self",
                     "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "names an existing file" in result.stderr
    assert target.read_text(encoding="utf-8") == "an earlier answer"
    assert not store.with_name("s.work.sqlite").exists()  # no request registered


def test_a_full_disk_while_exporting_is_one_line(tmp_path):
    """ENOSPC, simulated with the kernel's own full device where it exists."""
    full = "/dev/full"
    store = tmp_path / "s.duckdb"
    connect(store).close()
    import os

    if not os.path.exists(full):  # pragma: no cover - not Linux
        return
    result = run_cli("--store", str(store), "findings", "--out", full)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no space left" in result.stderr.lower()
