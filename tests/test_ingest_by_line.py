"""A canonical CSV that DuckDB's reader under-reports is read again line by line: every record is stored or
quarantined with its reason, none is lost, and the whole file is not refused for one bad line.

The brief: bad rows are quarantined with the reason, never dropped; bad input is named by file, line and field.
The reader was seen passing over a line with extra fields, and a good line after it, when six lines over its
line limit came first (neither a row nor a reject for them). A record whose quoted field holds a line break
spans two physical lines, which the file's own line count cannot tell from a line the reader passed over.
"""

from __future__ import annotations

import shutil

from ingest_helpers import HEADER, assert_balanced, row

from pipelines.config import load_config
from pipelines.ingest import canonical, canonical_by_line
from pipelines.ingest.canonical import MAX_LINE
from pipelines.ingest.engine import _ingest_together, ingest_file, ingest_files
from pipelines.ingest.formats import CanonicalCsv
from pipelines.ingest.records import Rejected, StagedRecord
from pipelines.store import connect

HUGE = row(0).replace("placement", "p" * (MAX_LINE + 500_000))


def stored_ids(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT source_event_id FROM events ORDER BY source_event_id").fetchall()]


def quarantined(con) -> dict[int, str]:
    return dict(con.execute("SELECT line_no, reason FROM quarantine ORDER BY line_no").fetchall())


def test_lines_the_reader_passed_over_are_each_stored_or_quarantined(store_con, tmp_path):
    path = tmp_path / "after_long_lines.csv"
    extra = row(7).rstrip("\n") + ",x,y\n"
    path.write_text(HEADER + HUGE * 6 + extra + row(8) + row(9, action="peek"), encoding="utf-8")
    tally = ingest_file(store_con, path)
    assert_balanced(store_con, tally)
    assert tally.records_read == 9
    assert stored_ids(store_con) == ["PG-8"]
    lines = quarantined(store_con)
    assert sorted(lines) == [2, 3, 4, 5, 6, 7, 8, 10]   # header is line 1; PG-8 is line 9
    assert all("longer than 1 MB" in lines[n] for n in range(2, 8))
    assert lines[8].startswith("extra fields")
    assert "peek" in lines[10] or "action" in lines[10]


def test_a_file_read_line_by_line_is_idempotent(store_con, tmp_path):
    path = tmp_path / "again.csv"
    path.write_text(HEADER + HUGE * 6 + row(7).rstrip("\n") + ",x\n" + row(8), encoding="utf-8")
    ingest_file(store_con, path)
    second = ingest_file(store_con, path)
    assert_balanced(store_con, second)
    assert (second.normalised_new, second.normalised_existing) == (0, 1)
    assert stored_ids(store_con) == ["PG-8"]


def test_a_quoted_line_break_is_one_record_not_a_refusal(store_con, tmp_path):
    path = tmp_path / "search.csv"
    searched = row(2).replace("s2,,\n", 's2,"surname Virtanen\nborn 2015",\n')
    path.write_text(HEADER + row(1) + searched + row(3), encoding="utf-8")
    tally = ingest_file(store_con, path)
    assert_balanced(store_con, tally)
    assert (tally.records_read, tally.quarantined) == (3, 0)
    assert stored_ids(store_con) == ["PG-1", "PG-2", "PG-3"]
    criteria = store_con.execute("SELECT search_criteria FROM events WHERE source_event_id = 'PG-2'").fetchone()[0]
    assert "Virtanen" in criteria and "2015" in criteria


def test_a_quote_never_closed_costs_its_own_line_only(tmp_path):
    path = tmp_path / "open_quote.csv"
    opened = row(2).replace(",päätös,", ',"päätös,')
    path.write_text(HEADER + row(1) + opened + "".join(row(i) for i in range(3, 30)), encoding="utf-8")
    out = list(canonical_by_line.records(path))
    rejected = [r for r in out if isinstance(r, Rejected)]
    assert [r.line_no for r in rejected] == [3]
    assert "not closed on line 3" in rejected[0].reason
    assert [r.fields["source_event_id"] for r in out if isinstance(r, StagedRecord)] == \
        ["PG-1"] + [f"PG-{i}" for i in range(3, 30)]


def test_both_readers_store_the_same_events_from_a_file_either_can_read(empty_store_template, tmp_path):
    """The fallback is not a second dialect: on a file the fast reader reads whole, the line-by-line reader
    stores the same events and quarantines the same lines. (Each numbers its records as it sees them: the fast
    reader counts only the rows it could split, so record numbers, which only order a file's records, may differ.)"""
    body = (HEADER + row(1) + "pegasos,PG-2,2024-03-04T09:15:00\n" + row(3).rstrip("\n") + ",x\n"
            + row(4, when="2024-13-45T99:99:99") + row(5).replace("placement", "pla\x00ce") + row(6)
            + row(7).replace("placement", '"place"ment') + row(8, action="peek") + "\n" + row(9)
            + row(10).replace("s10,,", 's10,"a, quoted ""search""",'))
    path = tmp_path / "mixed.csv"
    path.write_text(body, encoding="utf-8")
    seen = {}
    for name, adapter in (("fast", CanonicalCsv()), ("slow", CanonicalCsv(read_by_duckdb=False))):
        shutil.copyfile(empty_store_template, tmp_path / f"{name}.duckdb")
        con = connect(tmp_path / f"{name}.duckdb")
        try:
            tally = _ingest_together(con, [path], adapter, canonical.read_header(path), load_config())[0]
            assert_balanced(con, tally)
            seen[name] = (
                con.execute("SELECT source_event_id, event_time, action, service_task, search_criteria "
                            "FROM events ORDER BY ALL").fetchall(),
                con.execute("SELECT line_no FROM quarantine ORDER BY 1").fetchall(),
                tally.records_read)
        finally:
            con.close()
    assert seen["fast"][0], "the file holds good records"
    for part in range(3):
        assert seen["slow"][part] == seen["fast"][part], (part, seen["slow"][part], seen["fast"][part])


def test_in_a_batch_of_monthly_files_only_the_under_reported_file_is_read_line_by_line(store_con, tmp_path):
    files = []
    for month, body in ((1, row(1) + row(2)), (2, HUGE * 6 + row(3).rstrip("\n") + ",x\n" + row(4)),
                        (3, row(5))):
        path = tmp_path / f"pegasos_2024-0{month}.csv"
        path.write_text(HEADER + body, encoding="utf-8")
        files.append(path)
    tallies = ingest_files(store_con, files)
    assert [t.records_read for t in tallies] == [2, 8, 1]
    for tally in tallies:
        assert_balanced(store_con, tally)
    assert stored_ids(store_con) == ["PG-1", "PG-2", "PG-4", "PG-5"]
    assert len(quarantined(store_con)) == 7
