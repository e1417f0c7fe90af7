"""Shared by the ingest tests: the hand-made fixtures and the check every bad input must pass."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipelines.errors import InputError
from pipelines.ingest.engine import ingest_file

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
BAD = FIXTURES / "bad"
with open(BAD / "expected.toml", "rb") as _fh:
    EXPECTED: dict[str, dict] = tomllib.load(_fh)

# A canonical CSV of the supervisor's reads of one placement decision (DOMAIN.md's columns, in its order).
HEADER = ("source_system,source_event_id,event_time,account,client_id,action,service_task,document,purpose,"
          "emergency,channel,organisation_id,controller_id,recipient_organisation_id,outcome,session_id,"
          "search_criteria,record_count\n")
HETU = "010315A9010"


def row(i: int, action: str = "read", when: str = "2024-03-04T09:15:00") -> str:
    """Line i of that CSV: event PG-<i> in session s<i>."""
    return (f"pegasos,PG-{i},{when},valvoja1,{HETU},{action},placement,päätös,supervision,false,native,"
            f"HVA,HVA,,success,s{i},,\n")


def bad_cases(*prefixes: str) -> list[str]:
    return sorted(name for name in EXPECTED if name.startswith(prefixes))


def assert_balanced(con, tally) -> None:
    """records_read = normalised_new + normalised_existing + quarantined, in the tally and in ingest_runs."""
    assert tally.balanced, tally
    row = con.execute(
        "SELECT records_read, normalised_new, normalised_existing, quarantined FROM ingest_runs "
        "WHERE path LIKE ? ORDER BY run_id DESC LIMIT 1", [f"%{Path(tally.path).name}"]
    ).fetchone()
    assert row[0] == row[1] + row[2] + row[3]


def ingest_one_record_sample(con, path: Path, fmt: str, quarantined: set[str]) -> str | None:
    """Ingests a published sample of one record: read as `fmt`, balanced, quarantined exactly when its name is
    in `quarantined`. Returns the quarantine reason (None when it was stored)."""
    tally = ingest_file(con, path)
    assert_balanced(con, tally)
    assert tally.format == fmt and tally.records_read == 1
    assert tally.quarantined == (1 if path.name in quarantined else 0)
    row = con.execute("SELECT reason FROM quarantine WHERE path = ?", [str(path)]).fetchone()
    return row[0] if row else None


def check_bad_case(con, name: str) -> None:
    """The bad input gives exactly the error its entry in expected.toml names; never a traceback."""
    case = EXPECTED[name]
    path = BAD / name
    if case["outcome"] == "input_error":
        with pytest.raises(InputError) as caught:
            ingest_file(con, path, source=case.get("source"))
        assert case["reason"] in caught.value.reason
        assert caught.value.path.endswith(name)
        if "line" in case:
            assert caught.value.line == case["line"]
        if "field" in case:
            assert caught.value.field == case["field"]
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        return
    tally = ingest_file(con, path, source=case.get("source"))
    assert_balanced(con, tally)
    assert tally.normalised_new == case["normalised"]
    rows = con.execute("SELECT record_no, line_no, field, reason FROM quarantine").fetchall()
    if case["outcome"] == "normalised":
        assert rows == []
        return
    where = ("line_no", case["line"]) if "line" in case else ("record_no", case["record"])
    matching = [r for r in rows if r[0 if where[0] == "record_no" else 1] == where[1]]
    assert matching, f"nothing quarantined at {where}: {rows}"
    _, _, field, reason = matching[0]
    assert case["reason"] in reason
    if "field" in case:
        assert field == case["field"]
