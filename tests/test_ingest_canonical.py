"""The canonical event CSV, and what every ingest guarantees: balance, idempotency, conflicts, rollback."""

from __future__ import annotations

import pytest
from ingest_helpers import FIXTURES, HEADER, assert_balanced, row

from pipelines import sqlfiles
from pipelines.errors import InputError
from pipelines.ingest.engine import ingest_file


def write(tmp_path, name: str, rows: list[str], header: str = HEADER):
    path = tmp_path / name
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_canonical_csv_is_read_with_every_column(store_con, tmp_path):
    tally = ingest_file(store_con, write(tmp_path, "pegasos.csv", [row(1), row(2, "update")]))
    assert_balanced(store_con, tally)
    assert (tally.format, tally.normalised_new) == ("canonical_csv", 2)
    e = store_con.execute("SELECT action, purpose, service_task, document, organisation_id, session_id "
                          "FROM events WHERE source_event_id = 'PG-2'").fetchone()
    assert e == ("update", "supervision", "placement", "päätös", "HVA", "s2")


def test_only_the_first_six_columns_are_required(store_con, tmp_path):
    short = "source_system,source_event_id,event_time,account,client_id,action\n"
    tally = ingest_file(store_con, write(tmp_path, "short.csv", ["pegasos,S1,2024-03-04T09:15:00,u1,,read\n"], short))
    assert tally.normalised_new == 1
    assert store_con.execute("SELECT controller_id, emergency FROM events").fetchone() == ("HVA", False)


def test_ingesting_the_same_file_twice_adds_nothing(store_con, tmp_path):
    path = write(tmp_path, "pegasos.csv", [row(1), row(2), row(3)])
    ingest_file(store_con, path)
    again = ingest_file(store_con, path)
    assert (again.normalised_new, again.normalised_existing, again.quarantined) == (0, 3, 0)
    assert count(store_con, "events") == 3
    assert count(store_con, "event_conflicts") == 0


def test_an_overlapping_export_adds_only_the_new_events(store_con, tmp_path):
    ingest_file(store_con, write(tmp_path, "monday.csv", [row(1), row(2), row(3)]))
    tally = ingest_file(store_con, write(tmp_path, "monday-tuesday.csv", [row(2), row(3), row(4), row(5)]))
    assert (tally.normalised_new, tally.normalised_existing) == (2, 2)
    assert count(store_con, "events") == 5


def test_a_changed_record_is_a_conflict_the_stored_version_kept(store_con, tmp_path):
    ingest_file(store_con, write(tmp_path, "first.csv", [row(1), row(2)]))
    tally = ingest_file(store_con, write(tmp_path, "second.csv", [row(1), row(2, action="export")]))
    assert_balanced(store_con, tally)
    assert (tally.normalised_existing, tally.quarantined) == (1, 1)
    conflict = store_con.execute("SELECT source_event_id, differing FROM event_conflicts").fetchone()
    assert conflict == ("PG-2", "action")
    reason, line = store_con.execute("SELECT reason, line_no FROM quarantine").fetchone()
    assert "already stored with different content" in reason and line == 3
    assert store_con.execute("SELECT action FROM events WHERE source_event_id = 'PG-2'").fetchone()[0] == "read"


def test_duplicate_rows_in_one_file_keep_the_first(store_con, tmp_path):
    tally = ingest_file(store_con, write(tmp_path, "dupes.csv", [row(1), row(1), row(2)]))
    assert (tally.normalised_new, tally.quarantined) == (2, 1)
    assert "duplicate event id" in store_con.execute("SELECT reason FROM quarantine").fetchone()[0]


def test_rows_the_csv_reader_cannot_split_are_quarantined_with_their_line(store_con, tmp_path):
    bad = "pegasos,PG-9,2024-03-04T09:15:00,valvoja1\n"
    tally = ingest_file(store_con, write(tmp_path, "broken.csv", [row(1), bad, row(2)]))
    assert_balanced(store_con, tally)
    assert (tally.normalised_new, tally.quarantined) == (2, 1)
    line, reason = store_con.execute("SELECT line_no, reason FROM quarantine").fetchone()
    assert line == 3 and "missing fields" in reason


@pytest.mark.parametrize("value, field, reason", [
    ("04.03.2024 09:15", "event_time", "not ISO 8601"), ("1970-01-01T00:00:00", "event_time", "outside"),
])
def test_a_bad_timestamp_is_quarantined_on_event_time(store_con, tmp_path, value, field, reason):
    tally = ingest_file(store_con, write(tmp_path, "t.csv", [row(1, when=value)]))
    assert tally.quarantined == 1
    got_field, got_reason = store_con.execute("SELECT field, reason FROM quarantine").fetchone()
    assert got_field == field and reason in got_reason


def test_an_unknown_action_code_is_quarantined(store_con, tmp_path):
    ingest_file(store_con, write(tmp_path, "a.csv", [row(1, action="peek")]))
    assert store_con.execute("SELECT field, reason FROM quarantine").fetchone() == ("action", "unknown action code")


def test_a_failure_mid_file_leaves_the_store_as_it_was(store_con, tmp_path, monkeypatch):
    ingest_file(store_con, write(tmp_path, "before.csv", [row(1)]))
    before = {t: count(store_con, t) for t in ("events", "quarantine", "ingest_runs", "event_conflicts")}
    real_steps = sqlfiles.steps

    def failing_steps(name):
        return [(n, "SELECT error('disk full')" if n == "insert_events" else sql) for n, sql in real_steps(name)]

    monkeypatch.setattr(sqlfiles, "steps", failing_steps)
    with pytest.raises(InputError, match="could not be ingested"):  # one line, never a traceback
        ingest_file(store_con, write(tmp_path, "during.csv", [row(2), row(1, action="delete"), "x,y\n"]))
    assert {t: count(store_con, t) for t in before} == before


def test_an_adapter_that_fails_half_way_leaves_the_store_as_it_was(store_con, monkeypatch):
    from pipelines.ingest.mapping import MappingAdapter

    real = MappingAdapter.records

    def breaks_after_two(self, path):
        for n, record in enumerate(real(self, path)):
            if n == 2:
                raise OSError("device went away")
            yield record

    monkeypatch.setattr(MappingAdapter, "records", breaks_after_two)
    with pytest.raises(InputError, match="cannot be read"):
        ingest_file(store_con, FIXTURES / "pro_consona.csv")
    assert count(store_con, "events") == 0 and count(store_con, "ingest_runs") == 0


def test_every_fixture_balances(store_con):
    for path in sorted(FIXTURES.iterdir()):
        if path.is_file():
            assert_balanced(store_con, ingest_file(store_con, path))


def test_a_file_that_is_not_any_known_format_is_refused_with_a_hint(store_con, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("dear diary\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_file(store_con, path)
    assert "unrecognised format" in caught.value.reason and "--source" in caught.value.reason


SHORT = "source_system,source_event_id,event_time,account,client_id,action"


@pytest.mark.parametrize("content, new, line, reason", [
    (b"\xef\xbb\xbf" + f"{SHORT}\r\npegasos,A1,2024-03-04T09:15:00,u1,,read\r\n".encode(), 1, None, None),
    (f"{SHORT}\npegasos,B1,2024-03-04T09:15:00,u1,,read\npegasos,B2,2024-03-04T09:1".encode(), 1, 3,
     "missing fields"),
    (f"{SHORT}\npegasos,C1,2024-03-04T09:15:00,u1,,read\npegasos,C2,2024-03-04T09:15:00,u\xe4,,read\n"
     .encode("latin-1"), 1, 3, "not valid UTF-8"),
], ids=["bom-and-crlf", "truncated-last-line", "wrong-encoding"])
def test_the_canonical_csv_tolerates_bom_and_crlf_and_quarantines_broken_lines(store_con, tmp_path, content, new,
                                                                             line, reason):
    path = tmp_path / "pegasos.csv"
    path.write_bytes(content)
    tally = ingest_file(store_con, path)
    assert_balanced(store_con, tally)
    assert tally.normalised_new == new
    rows = store_con.execute("SELECT line_no, reason FROM quarantine").fetchall()
    if reason is None:
        assert rows == []
    else:
        assert rows[0][0] == line and reason in rows[0][1]


def test_record_and_line_numbers_hold_in_a_file_big_enough_to_be_read_in_parallel(store_con, tmp_path):
    """The record number is the row's position in the staged copy (no row_number() over the file); a file of
    several CSV-reader buffers is split among threads, and its numbers must still be the file's own."""
    store_con.execute("SET threads = 4")
    n = 400_000  # about 50 MB: many reader buffers
    bad_at = {7: "peek", 211_113: "peek", n - 2: "peek"}  # record numbers whose action is unknown
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        fh.writelines(row(i, action=bad_at.get(i, "read")) for i in range(1, n + 1))
    tally = ingest_file(store_con, path)
    assert_balanced(store_con, tally)
    assert (tally.normalised_new, tally.quarantined) == (n - len(bad_at), len(bad_at))
    quarantined = store_con.execute("SELECT record_no, line_no FROM quarantine ORDER BY record_no").fetchall()
    assert quarantined == [(r, r + 1) for r in sorted(bad_at)]
    mismatched = store_con.execute(
        "SELECT count(*) FROM events WHERE source_event_id <> 'PG-' || record_no").fetchone()[0]
    assert mismatched == 0
