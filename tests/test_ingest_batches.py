"""Many files at once: a county's monthly exports are ingested in batches, and nothing about any one file changes.

Each file keeps its own ingest run and tally, its records their own record and line numbers, and a file that is
refused is refused alone, the store keeping every other file (DOMAIN: bad input is named by file, line and
field; nothing stored is lost or duplicated)."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import HEADER, assert_balanced, row

from pipelines.errors import InputError
from pipelines.ingest import engine
from pipelines.ingest.engine import ingest_file, ingest_files
from pipelines.store import connect


def month_files(folder: Path) -> list[Path]:
    """Three monthly exports, each with a record the normaliser refuses, a line the reader cannot split, a
    duplicate id inside the file and (the third) a step back inside the repeated autumn hour."""
    folder.mkdir()
    files = []
    for m, first in ((1, 1), (2, 100), (3, 200)):
        rows = [row(first + k) for k in range(5)]
        rows.insert(2, row(first + 50, action="peek"))                  # unknown action: record 3, line 4
        rows.insert(4, "pegasos,broken,line\n")                         # missing fields: line 6
        rows.append(row(first))                                         # same id again in this file
        if m == 3:
            rows += [row(900, when="2023-10-29T03:40:00"), row(901, when="2023-10-29T03:10:00")]
        path = folder / f"pegasos_2024-0{m}.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        files.append(path)
    return files


def snapshot(con) -> dict:
    return {
        "runs": con.execute("SELECT file_name, records_read, normalised_new, normalised_existing, quarantined, status "
                            "FROM ingest_runs ORDER BY run_id").fetchall(),
        "quarantine": con.execute("SELECT i.file_name, q.record_no, q.line_no, q.field, q.reason, q.raw "
                                  "FROM quarantine q JOIN ingest_runs i USING (run_id) ORDER BY ALL").fetchall(),
        "events": con.execute("SELECT i.file_name, e.source_event_id, e.record_no, e.event_time, e.time_flag "
                              "FROM events e JOIN ingest_runs i USING (run_id) ORDER BY ALL").fetchall(),
    }


def test_a_batch_of_files_stores_exactly_what_one_file_at_a_time_stores(tmp_path):
    files = month_files(tmp_path / "in")
    one = connect(tmp_path / "one.duckdb")
    for path in files:
        ingest_file(one, path)
    many = connect(tmp_path / "many.duckdb")
    tallies = ingest_files(many, files)
    assert [Path(t.path).name for t in tallies] == [p.name for p in files]
    for tally in tallies:
        assert_balanced(many, tally)
        assert tally.quarantined == 3  # the unknown action, the broken line, the repeated id
    assert snapshot(many) == snapshot(one)
    # the second pass of the repeated autumn hour is read in its own file (EET), not as the first pass
    flags = many.execute("SELECT source_event_id, time_flag FROM events WHERE time_flag IS NOT NULL "
                         "ORDER BY 1").fetchall()
    assert flags == [("PG-900", "ambiguous_first"), ("PG-901", "ambiguous_second")]


def test_the_batch_is_one_transaction_per_batch_not_per_file(tmp_path, monkeypatch):
    files = month_files(tmp_path / "in")
    con = connect(tmp_path / "store.duckdb")
    together = []
    real = engine._ingest_together
    monkeypatch.setattr(engine, "_ingest_together", lambda c, paths, *a, **k: together.append(len(paths))
                        or real(c, paths, *a, **k))
    ingest_files(con, files)
    assert together == [3]


def test_a_refused_file_in_a_batch_is_refused_alone_and_the_others_are_stored(tmp_path):
    files = month_files(tmp_path / "in")
    claims_own_log = files[1].read_text(encoding="utf-8").replace("pegasos,PG-102,", "lokivahti,PG-102,")
    files[1].write_text(claims_own_log, encoding="utf-8")
    con = connect(tmp_path / "store.duckdb")
    refused: list[InputError] = []
    tallies = ingest_files(con, files, refused=refused)
    assert [Path(t.path).name for t in tallies] == [files[0].name, files[2].name]
    assert len(refused) == 1 and refused[0].path.endswith(files[1].name)
    assert refused[0].field == "source_system"
    assert con.execute("SELECT count(*) FROM events WHERE source_event_id LIKE 'PG-1__'").fetchone()[0] == 0
    assert con.execute("SELECT count(DISTINCT run_id) FROM events").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM ingest_runs WHERE status = 'done'").fetchone()[0] == 2


def test_an_event_id_in_two_files_of_a_batch_is_settled_in_file_order(tmp_path):
    """A later export repeating an event: identical, it is already stored; changed, a conflict, the first kept."""
    folder = tmp_path / "in"
    folder.mkdir()
    a = folder / "a.csv"
    a.write_text(HEADER + row(1) + row(2), encoding="utf-8")
    b = folder / "b.csv"
    b.write_text(HEADER + row(2) + row(1, action="update") + row(3), encoding="utf-8")
    con = connect(tmp_path / "store.duckdb")
    first, second = ingest_files(con, [a, b])
    assert (first.normalised_new, first.quarantined) == (2, 0)
    assert (second.normalised_new, second.normalised_existing, second.quarantined) == (1, 1, 1)
    assert con.execute("SELECT action FROM events WHERE source_event_id = 'PG-1'").fetchone()[0] == "read"
    assert con.execute("SELECT count(*) FROM event_conflicts").fetchone()[0] == 1


def test_a_batch_that_fails_half_way_is_rolled_back_whole_and_its_files_go_one_by_one(tmp_path, monkeypatch):
    files = month_files(tmp_path / "in")
    alone = connect(tmp_path / "alone.duckdb")
    for path in files:
        ingest_file(alone, path)

    def out_of_memory(con):  # mid-batch: the runs are open and the records staged
        raise MemoryError

    monkeypatch.setattr(engine, "_refuse_shared_ids", out_of_memory)
    con = connect(tmp_path / "store.duckdb")
    tallies = ingest_files(con, files)
    assert len(tallies) == 3 and all(t.balanced for t in tallies)
    assert con.execute("SELECT count(*) FROM ingest_runs WHERE status <> 'done'").fetchone()[0] == 0
    assert snapshot(con) == snapshot(alone)
