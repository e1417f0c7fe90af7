"""The tally, proven: files of good and malformed records mixed at random, and every record is either
stored or quarantined — counted from what was written, not from DuckDB's reject table.

Bad input must never lose or duplicate a record (project brief: "nothing stored lost or duplicated").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.ingest.engine import ingest_file
from pipelines.store import connect

HETU = "010315A9010"
HEADER = ("source_system,source_event_id,event_time,account,client_id,action,service_task,document,purpose,"
          "emergency,channel,organisation_id,controller_id,recipient_organisation_id,outcome,session_id,"
          "search_criteria,record_count\n")


def good(i: int) -> bytes:
    return (f"pegasos,PG-{i},2024-03-04T09:15:00,valvoja1,{HETU},read,placement,päätös,supervision,false,"
            f"native,HVA,HVA,,success,s{i},,\n").encode()


# Each malformation keeps the record on one physical line (a quoted line break would join two records,
# and then "one record" is no longer a line of the file to count).
BAD = {
    "huge": lambda i: good(i).replace(b"placement", b"p" * 1_500_000),
    "nul": lambda i: good(i).replace(b"placement", b"pla\x00\x00ce"),
    "stray_quote": lambda i: good(i).replace(b"placement", b'"place"ment'),
    "latin1": lambda i: good(i).replace("päätös".encode(), "päätös".encode("latin-1")),
    "cp1252_euro": lambda i: good(i).replace(b"placement", b"place\x80ment"),
    "missing_fields": lambda i: f"pegasos,PG-{i},2024-03-04T09:15:00\n".encode(),
    "extra_fields": lambda i: good(i).rstrip(b"\n") + b",x,y\n",
    "bad_time": lambda i: good(i).replace(b"2024-03-04T09:15:00", b"2024-13-45T99:99:99"),
    "bad_offset": lambda i: good(i).replace(b"2024-03-04T09:15:00", b"2024-03-04T09:15:00+25:00"),
    "unknown_action": lambda i: good(i).replace(b",read,", b",peek,"),
}
KINDS = st.lists(st.sampled_from(["good"] * 4 + sorted(BAD)), min_size=1, max_size=30)


def ingested(path, body: bytes, empty_store: Path):
    """Writes body to path and ingests it into a new store beside it (a copy of the empty store): (tally,
    stored event ids, quarantined line numbers)."""
    path.write_bytes(body)
    shutil.copyfile(empty_store, path.parent / "s.duckdb")
    con = connect(path.parent / "s.duckdb")
    try:
        tally = ingest_file(con, path)
        stored = {r[0] for r in con.execute("SELECT source_event_id FROM events").fetchall()}
        lines = [r[0] for r in con.execute("SELECT line_no FROM quarantine").fetchall()]
    finally:
        con.close()
    return tally, stored, lines


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(kinds=KINDS)
# Found by this test: after six over-long lines DuckDB's reader passed over a non-UTF-8 line without a reject row,
# so its counts balanced while the record was gone; the file's own line count now catches it.
@example(kinds=["huge"] * 6 + ["latin1"])
# Found by this test: after six over-long lines the reader passed over a line with extra fields, and a good line
# after it, with neither a row nor a reject (no encoding to explain it): the file is then read line by line.
@example(kinds=["huge"] * 6 + ["extra_fields", "good"])
def test_every_canonical_record_is_stored_or_quarantined(tmp_path_factory, empty_store_template, kinds):
    body = HEADER.encode() + b"".join(good(i) if kind == "good" else BAD[kind](i)
                                      for i, kind in enumerate(kinds, start=1))
    tally, stored, quarantined_lines = ingested(tmp_path_factory.mktemp("tally") / "mixed.csv", body, empty_store_template)
    # independent of the reject table: what we wrote, line by line (line 1 is the header)
    assert tally.records_read == len(kinds)
    assert len(quarantined_lines) == len(set(quarantined_lines))  # nothing quarantined twice
    for i, kind in enumerate(kinds, start=1):
        in_events, in_quarantine = f"PG-{i}" in stored, (i + 1) in quarantined_lines
        assert in_events != in_quarantine, (i, kind, in_events, in_quarantine)  # exactly one of the two
        if kind == "good":
            assert in_events, (i, kind)
    assert len(stored) + len(quarantined_lines) == len(kinds)


def resource(i: int) -> dict:
    return {"resourceType": "AuditEvent", "id": f"lc-{i}", "type": {"code": "110110"}, "action": "R",
            "recorded": "2024-03-04T09:15:00+02:00", "outcome": "0",
            "agent": [{"who": {"identifier": {"value": "hoitaja1"}}, "requestor": True}],
            "source": {"observer": {"display": "lifecare"}},
            "entity": [{"what": {"identifier": {"system": "urn:oid:1.2.246.21", "value": HETU}}}]}


BAD_JSON = {
    "huge": lambda i: json.dumps(resource(i) | {"text": {"div": "x" * 1_100_000}}).encode(),
    "deep": lambda i: json.dumps(resource(i)).replace('"R"', "[" * 3000 + "]" * 3000, 1).encode(),
    "truncated": lambda i: json.dumps(resource(i)).encode()[:-5],
    "latin1": lambda i: json.dumps(resource(i) | {"id": f"lä-{i}"}, ensure_ascii=False).encode().replace(
        "ä".encode(), b"\xe4"),
    "not_audit_event": lambda i: json.dumps({"resourceType": "Patient", "id": f"p{i}"}).encode(),
    "nul": lambda i: json.dumps(resource(i)).encode().replace(b'"R"', b'"\x00"'),
    "bundle_of_two": lambda i: json.dumps({"resourceType": "Bundle", "entry": [
        {"resource": resource(i) | {"id": f"lc-{i}"}}, {"resource": resource(i) | {"id": f"lc-{i}b"}}]}).encode(),
}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(["good"] * 3 + sorted(BAD_JSON)), min_size=1, max_size=20))
def test_every_ndjson_record_is_stored_or_quarantined(tmp_path_factory, empty_store_template, kinds):
    body = b"".join((json.dumps(resource(i)).encode() if kind == "good" else BAD_JSON[kind](i)) + b"\n"
                    for i, kind in enumerate(kinds, start=1))
    tally, stored, q_lines = ingested(tmp_path_factory.mktemp("ndjson") / "mixed.ndjson", body, empty_store_template)
    expected_records = sum(2 if k == "bundle_of_two" else 1 for k in kinds)
    assert tally.records_read == expected_records and tally.balanced
    for i, kind in enumerate(kinds, start=1):
        if kind in ("good", "bundle_of_two"):
            assert f"lc-{i}" in stored and i not in q_lines
        elif kind == "nul":
            assert (f"lc-{i}" in stored) != (i in q_lines)
        else:
            assert f"lc-{i}" not in stored and q_lines.count(i) == 1, (i, kind)
    assert len(stored) + len(q_lines) == expected_records
