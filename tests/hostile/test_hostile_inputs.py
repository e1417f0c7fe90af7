"""Hostile and broken inputs: each is refused with one line naming the file (and line and field where
there is one), or quarantined with a reason; the store is unchanged by a refusal; the tally is exact.

DOMAIN.md, "Untrusted input, sensitive output": every log file and reference file is untrusted; XML is
parsed with external entities and entity expansion off; sizes and nesting are bounded; a record that
breaks a limit is quarantined, not fatal. Each case below is one kind of attack or breakage.
"""

from __future__ import annotations

import errno
import json
from dataclasses import dataclass

import pytest

from pipelines.errors import InputError
from pipelines.ingest import engine
from pipelines.ingest.engine import ingest_file

HETU = "010315A9010"
HEADER = ("source_system,source_event_id,event_time,account,client_id,action,service_task,document,purpose,"
          "emergency,channel,organisation_id,controller_id,recipient_organisation_id,outcome,session_id,"
          "search_criteria,record_count\n")


def row(i: int, *, system="pegasos", when="2024-03-04T09:15:00", account="valvoja1", action="read") -> str:
    return f"{system},PG-{i},{when},{account},{HETU},{action},placement,päätös,supervision,false,native,HVA,HVA,,success,s{i},,\n"


def audit_event(i: int, **extra) -> dict:
    return {"resourceType": "AuditEvent", "id": f"lc-{i}", "type": {"code": "110110"}, "action": "R",
            "recorded": "2024-03-04T09:15:00+02:00", "outcome": "0",
            "agent": [{"who": {"identifier": {"value": "hoitaja1"}}, "requestor": True}],
            "source": {"observer": {"display": "lifecare"}},
            "entity": [{"what": {"identifier": {"system": "urn:oid:1.2.246.21", "value": HETU}}}]} | extra


ATNA = ('<AuditMessage><EventIdentification EventActionCode="R" EventDateTime="2024-03-04T09:15:00+02:00" '
        'EventOutcomeIndicator="0"><EventID csd-code="110110"/></EventIdentification>'
        '<ActiveParticipant UserID="valvoja1" UserIsRequestor="true"/><AuditSourceIdentification AuditSourceID="casem"/>'
        f'<ParticipantObjectIdentification ParticipantObjectID="{HETU}" ParticipantObjectTypeCodeRole="1"/></AuditMessage>')


@dataclass
class Case:
    """`refused`: the reason of the InputError; else `quarantined` records with `reason`, `stored` events."""

    name: str
    content: bytes
    refused: str | None = None
    quarantined: int = 0
    stored: int = 0
    reason: str | None = None
    field: str | None = None
    line: int | None = None
    file_name: str = "input"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(lines)).encode("utf-8")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


CASES = [
    # --- sizes and nesting ------------------------------------------------------------------------
    Case("json_nested_10000_deep", json.dumps(audit_event(1)).replace('"R"', _nested(10_000), 1).encode(),
         quarantined=1, reason="nested deeper than max_json_depth"),
    Case("json_document_of_only_brackets", (_nested(3000)).encode(), quarantined=1, reason="unrecognised",
         refused="unrecognised format"),
    Case("ndjson_line_nested_deep", (json.dumps(audit_event(1)) + "\n"
                                      + json.dumps(audit_event(2)).replace('"R"', _nested(5000), 1) + "\n").encode(),
         quarantined=1, stored=1, reason="nested deeper than max_json_depth", line=2),
    Case("csv_first_line_over_the_128kb_field_limit", ('"' + "a" * 200_000 + '"\n' + row(1)).encode(),
         refused="unrecognised format"),
    Case("csv_header_longer_than_a_megabyte", ("x" * 1_100_000).encode(), refused="unrecognised format"),
    Case("canonical_line_of_40_megabytes", _csv(row(1), row(2).replace("placement", "p" * 40_000_000), row(3)),
         quarantined=1, stored=2, reason="line longer than 1 MB", line=3),
    Case("canonical_line_of_2_megabytes", _csv(row(1), row(2).replace("placement", "p" * 2_000_000)),
         quarantined=1, stored=1, reason="line longer than 1 MB", line=3),
    Case("json_resource_over_max_record_bytes", json.dumps(audit_event(1, text={"div": "x" * 1_200_000})).encode(),
         quarantined=1, reason="larger than max_record_bytes"),
    # --- XML attacks ------------------------------------------------------------------------------
    Case("xml_billion_laughs", (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                                b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                                b'<AuditMessage><X>&lol3;</X></AuditMessage>'),
         quarantined=1, reason="DOCTYPE or entity declaration is refused"),
    Case("xml_external_entity_file", (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                      b'<AuditMessage><X>&x;</X></AuditMessage>'),
         quarantined=1, reason="DOCTYPE or entity declaration is refused"),
    Case("fhir_xml_external_entity", (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "http://127.0.0.1/">]>'
                                      b'<AuditEvent xmlns="http://hl7.org/fhir"><id value="&x;"/></AuditEvent>'),
         quarantined=1, reason="DOCTYPE or entity declaration is refused"),
    Case("xml_parameter_entity_late_in_file", (ATNA + " " * 70_000 + '<!DOCTYPE x [<!ENTITY % p SYSTEM "x">]>').encode(),
         quarantined=1, reason="DOCTYPE or entity declaration is refused"),
    Case("xml_nested_too_deep", ("<AuditMessage>" + "<a>" * 200 + "</a>" * 200 + "</AuditMessage>").encode(),
         quarantined=1, reason="nested deeper than max_xml_depth"),
    Case("xml_truncated", (ATNA + ATNA[:60]).encode(), quarantined=1, stored=1, reason="malformed XML"),
    # --- encodings --------------------------------------------------------------------------------
    Case("csv_utf16_with_bom", _csv(row(1)).decode().encode("utf-16"), refused="unrecognised format"),
    Case("csv_latin1_row", _csv(row(1)) + row(2).replace("päätös", "p\xe4\xe4t\xf6s").encode("latin-1"),
         quarantined=1, stored=1, reason="not valid UTF-8", line=3),
    Case("csv_nul_bytes_in_a_field", _csv(row(1), row(2).replace("päätös", "p\x00\x00s")),
         quarantined=0, stored=2),
    Case("json_latin1", json.dumps(audit_event(1, id="p\u00e4"), ensure_ascii=False).encode().replace("ä".encode(), b"\xe4"),
         quarantined=1, reason="malformed JSON"),
    Case("binary_garbage", bytes(range(256)) * 50, refused="unrecognised format"),
    # --- broken CSV -------------------------------------------------------------------------------
    Case("csv_stray_quote", _csv(row(1), row(2).replace("placement", '"place"ment'), row(3)),
         quarantined=1, stored=2, reason="unterminated or stray quote", line=3),
    Case("csv_quote_inside_an_unquoted_field_is_text", _csv(row(1).replace("placement", 'place"ment')), stored=1),
    Case("csv_unterminated_quote_at_end", _csv(row(1), row(2).replace("placement", '"placement')),
         quarantined=1, stored=1),
    Case("csv_extra_fields", _csv(row(1), row(2).rstrip("\n") + ",extra,more\n"), quarantined=1, stored=1,
         reason="extra fields"),
    Case("csv_missing_fields", _csv(row(1), "pegasos,PG-2,2024-03-04T09:15:00\n"), quarantined=1, stored=1,
         reason="missing fields"),
    Case("csv_without_the_action_column", _csv(row(1), header=HEADER.replace(",action,", ",toiminto,")),
         refused="required column 'action'", field="action", line=1),
    Case("csv_header_only", HEADER.encode(), stored=0),
    Case("empty_file", b"", refused="empty file"),
    # --- values -----------------------------------------------------------------------------------
    Case("offset_plus_25_hours", _csv(row(1, when="2024-03-04T09:15:00+25:00"), row(2)), quarantined=1, stored=1,
         reason="offset outside", field="event_time"),
    Case("offset_minutes_61", _csv(row(1, when="2024-03-04T09:15:00+02:61")), quarantined=1,
         reason="offset outside", field="event_time"),
    Case("year_out_of_range", _csv(row(1, when="9999-03-04T09:15:00")), quarantined=1, field="event_time"),
    Case("formula_in_account_is_stored_as_text", _csv(row(1, account="=cmd|' /C calc'!A0")), stored=1),
    Case("duplicate_event_id", _csv(row(1), row(1)), quarantined=1, stored=1, reason="duplicate event id"),
    # --- the reserved source ----------------------------------------------------------------------
    Case("canonical_claims_the_lokivahti_source", _csv(row(1), row(2, system="lokivahti")),
         refused="reserved for Lokivahti's own use log", field="source_system"),
    Case("fhir_claims_the_lokivahti_source_in_capitals",
         json.dumps(audit_event(1, source={"observer": {"display": "LokiVahti"}})).encode(),
         refused="reserved", field="source_system"),
    Case("atna_claims_the_lokivahti_source", ATNA.replace('"casem"', '"lokivahti"').encode(), refused="reserved"),
    # --- JSON shapes ------------------------------------------------------------------------------
    Case("json_top_level_scalar_after_a_resource", (json.dumps(audit_event(1)) + "\n42\n").encode(),
         quarantined=1, stored=1),
    Case("json_truncated_document", json.dumps(audit_event(1), indent=1).encode()[:-40], quarantined=1,
         reason="malformed JSON"),
    Case("json_bundle_without_entries", b'{"resourceType": "Bundle", "type": "searchset", "entry": []}',
         quarantined=1, reason="Bundle without entries"),
    Case("json_bundle_with_a_non_resource_entry",
         json.dumps({"resourceType": "Bundle", "entry": [{"resource": audit_event(1)}, {"fullUrl": "x"}]}).encode(),
         quarantined=1, stored=1, reason="without a resource"),
    Case("ndjson_megabyte_line_of_garbage", (json.dumps(audit_event(1)) + "\n" + "{" + "x" * 1_100_000 + "\n").encode(),
         quarantined=1, stored=1, reason="malformed JSON", line=2),
    # --- paths ------------------------------------------------------------------------------------
    Case("file_name_with_quotes_and_spaces", _csv(row(1)), stored=1, file_name="it's a \"log\" ; DROP.csv"),
    Case("file_name_with_sql_in_it", _csv(row(1)), stored=1, file_name="x'); DROP TABLE events; --.csv"),
]


def counts(con) -> tuple[int, int, int]:
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("events", "quarantine", "ingest_runs"))


def test_the_suite_covers_at_least_thirty_kinds():
    assert len({c.name for c in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_hostile_input_is_refused_or_quarantined_never_a_crash(store_con, tmp_path, case):
    path = tmp_path / case.file_name
    path.write_bytes(case.content)
    store_con.execute("INSERT INTO events BY NAME SELECT 'other' AS source_system, 'keep' AS source_event_id, "
                      "TIMESTAMPTZ '2024-01-01 00:00:00+00' AS event_time, TIMESTAMP '2024-01-01 02:00:00' AS event_local, "
                      "DATE '2024-01-01' AS event_date, 'read' AS action, false AS emergency, 'HVA' AS controller_id, "
                      "0 AS run_id, 1 AS record_no")
    before = counts(store_con)
    if case.refused:
        with pytest.raises(InputError) as caught:
            ingest_file(store_con, path)
        assert case.refused in caught.value.reason
        assert caught.value.path == str(path)
        if case.field:
            assert caught.value.field == case.field
        if case.line:
            assert caught.value.line == case.line
        assert "\n" not in str(caught.value) and HETU not in str(caught.value)
        assert counts(store_con) == before  # the store is unchanged by a refusal
        return
    tally = ingest_file(store_con, path)
    assert tally.balanced, tally
    assert (tally.normalised_new, tally.quarantined) == (case.stored, case.quarantined), tally
    assert tally.records_read == case.stored + case.quarantined
    got = store_con.execute("SELECT field, reason, line_no FROM quarantine WHERE run_id = "
                            "(SELECT max(run_id) FROM ingest_runs) ORDER BY coalesce(line_no, record_no)").fetchall()
    assert len(got) == case.quarantined
    if case.reason:
        assert any(case.reason in r[1] for r in got), got
    if case.field:
        assert got[0][0] == case.field
    if case.line:
        assert got[0][2] == case.line
    assert counts(store_con)[0] == before[0] + case.stored


def test_a_full_disk_refuses_the_file_and_leaves_the_store_as_it_was(store_con, tmp_path, monkeypatch):
    """ENOSPC mid-file, simulated where the adapter's records are staged."""
    path = tmp_path / "casem.xml"
    path.write_text(ATNA, encoding="utf-8")
    before = counts(store_con)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine, "_stage_from_adapter", no_space)
    with pytest.raises(InputError, match="no space left on the device"):
        ingest_file(store_con, path)
    assert counts(store_con) == before


def test_a_recursion_error_anywhere_refuses_only_that_file(store_con, tmp_path, monkeypatch):
    path = tmp_path / "casem.xml"
    path.write_text(ATNA, encoding="utf-8")

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(engine, "_stage_from_adapter", deep)
    with pytest.raises(InputError, match="nested too deeply"):
        ingest_file(store_con, path)


@pytest.mark.parametrize("kind", ["directory", "missing"])
def test_a_path_that_is_no_file_is_refused(store_con, tmp_path, kind):
    path = tmp_path / "logs"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(InputError, match="no such file"):
        ingest_file(store_con, path)
