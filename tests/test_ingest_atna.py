"""IHE ATNA / DICOM AuditMessage XML: the casem log, the dcm4chee examples and the ATNA2FHIR pairs."""

from __future__ import annotations

import base64
import csv

import pytest
from ingest_helpers import bad_cases, check_bad_case, ingest_one_record_sample
from lxml import etree

from pipelines import PROJECT_ROOT
from pipelines.config import load_config
from pipelines.ingest.atna import AtnaAdapter, atna_event_id
from pipelines.ingest.engine import ingest_file
from pipelines.ingest.fhir import FhirAdapter

HETU = "010315A9010"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def casem_message(action="R", event_id="110110", client=HETU, extra="", when="2024-03-04T09:15:00+02:00",
                  type_code=""):
    return (
        f'<AuditMessage><EventIdentification EventActionCode="{action}" EventDateTime="{when}" '
        f'EventOutcomeIndicator="0"><EventID csd-code="{event_id}" codeSystemName="DCM"/>{type_code}'
        '<PurposeOfUse csd-code="HSUPERV"/></EventIdentification>'
        '<ActiveParticipant UserID="casem-app" UserIsRequestor="false"/>'
        '<ActiveParticipant UserID="valvoja1" UserIsRequestor="true"/>'
        f'{extra}<AuditSourceIdentification AuditSourceID="CASEM"/>'
        f'<ParticipantObjectIdentification ParticipantObjectID="{client}^^^&amp;1.2.246.21&amp;ISO" '
        'ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1">'
        f'<ParticipantObjectDetail type="service_task" value="{b64("child_welfare")}"/>'
        f'<ParticipantObjectDetail type="document" value="{b64("valvontamuistio")}"/>'
        '</ParticipantObjectIdentification></AuditMessage>'
    )


def fields_of(path):
    return [r.fields for r in AtnaAdapter(load_config()).records(path) if hasattr(r, "fields")]


SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
ATNA_SAMPLES = sorted((SAMPLES / "atna-xml").rglob("*.xml")) if SAMPLES.is_dir() else []
# the nearly empty ATNA2FHIR message (no AuditSourceID) and a dcm4chee query without EventDateTime
QUARANTINED = {"empty-atna.xml": "missing source_system", "query-4.xml": "missing event_time"}


def test_the_published_atna_samples_are_all_there():
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not beside the checkout")
    assert len(ATNA_SAMPLES) >= 80


@pytest.mark.parametrize("path", ATNA_SAMPLES, ids=lambda p: p.name)
def test_every_published_atna_sample_normalises_or_is_quarantined_with_a_reason(module_store, path):
    reason = ingest_one_record_sample(module_store, path, "atna", set(QUARANTINED))
    assert reason == QUARANTINED.get(path.name)


def test_dcm4chee_action_and_outcome_agree_with_the_published_index(shared_samples):
    folder = shared_samples / "atna-xml" / "dcm4chee"
    verbs = {"C": {"create"}, "R": {"read"}, "U": {"update"}, "D": {"delete"}, "E": {"other", "search", "export"}}
    by_event = {"110106": "export", "110112": "search"}  # the event id names the action, whatever the verb
    with open(folder / "INDEX.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows
    for row in rows:
        f = fields_of(folder / row["file"])[0]
        expected = by_event.get(row["EventID"][:6])
        assert f["action"] == expected if expected else f["action"] in verbs[row["EventActionCode"]], row["file"]
        assert f["outcome"] == ("success" if row["EventOutcomeIndicator"] == "0" else "failure"), row["file"]
        if row["EventID"].startswith("110112"):
            assert f["action"] == "search"


def test_emergency_override_marks_the_event_as_emergency(shared_samples):
    f = fields_of(shared_samples / "atna-xml" / "dcm4chee" / "security-alert-14.xml")[0]
    assert f["emergency"] == "true" and f["account"] == "admin"


@pytest.mark.parametrize("pair", ["ITI-43", "ITI-48", "ITI-8", "basic", "example-search"])
def test_an_atna2fhir_pair_normalises_to_the_same_account_client_and_action(shared_samples, pair):
    atna = fields_of(shared_samples / "atna-xml" / "atna2fhir" / f"{pair}-atna.xml")[0]
    fhir = next(FhirAdapter(load_config()).records(shared_samples / "fhir-r4" / "atna2fhir" / f"{pair}-fhir.json")).fields
    for key in ("account", "client_id", "action", "outcome"):
        assert atna[key] == fhir[key], key
    # one case rule for source identities, applied by the normaliser to every adapter's output
    assert atna["source_system"].lower() == fhir["source_system"].lower()


def test_the_atna2fhir_converter_moved_the_event_time_to_period_end(shared_samples):
    """What is true of the samples: FHIR `recorded` is the conversion time, the ATNA time is in period.end."""
    import json

    atna = fields_of(shared_samples / "atna-xml" / "atna2fhir" / "ITI-43-atna.xml")[0]
    resource = json.loads((shared_samples / "fhir-r4" / "atna2fhir" / "ITI-43-fhir.json").read_text())
    assert atna["event_time"] == resource["period"]["end"] != resource["recorded"]


def test_a_casem_message_maps_every_field(tmp_path):
    path = tmp_path / "casem.xml"
    path.write_text(casem_message(), encoding="utf-8")
    f = fields_of(path)[0]
    assert f == f | {"source_system": "CASEM", "account": "valvoja1", "client_id": HETU, "action": "read",
                     "purpose": "supervision", "service_task": "child_welfare", "document": "valvontamuistio",
                     "outcome": "success", "event_time": "2024-03-04T09:15:00+02:00", "channel": "native"}


def test_an_export_to_an_organisation_is_a_disclosure_with_its_recipient(tmp_path):
    destination = ('<ActiveParticipant UserID="YKS1" UserIsRequestor="false">'
                   '<RoleIDCode csd-code="110152" codeSystemName="DCM"/></ActiveParticipant>')
    path = tmp_path / "casem.xml"
    path.write_text(casem_message(action="E", event_id="110106", extra=destination), encoding="utf-8")
    f = fields_of(path)[0]
    assert (f["action"], f["recipient_organisation_id"]) == ("disclose", "YKS1")
    path.write_text(casem_message(action="E", event_id="110106"), encoding="utf-8")
    assert fields_of(path)[0]["action"] == "export"


def test_many_messages_in_one_file_are_streamed_each_with_its_line(store_con, tmp_path):
    path = tmp_path / "casem-export.xml"
    messages = [casem_message(when=f"2024-03-04T09:1{i}:00+02:00") for i in range(3)]
    path.write_text("<AuditMessages>\n" + "\n".join(messages) + "\n</AuditMessages>\n", encoding="utf-8")
    records = list(AtnaAdapter(load_config()).records(path))
    assert [(r.record_no, r.line_no) for r in records] == [(1, 2), (2, 3), (3, 4)]
    tally = ingest_file(store_con, path)
    assert tally.normalised_new == 3
    again = ingest_file(store_con, path)
    assert (again.normalised_new, again.normalised_existing) == (0, 3)


def test_the_event_id_is_stable_across_re_exports_and_changes_with_content():
    message = casem_message()
    alone = etree.fromstring(message.encode())
    wrapped = etree.fromstring(
        ('<AuditMessages xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n  <!-- export -->\n  '
         + message.replace("><", ">\n    <") + "\n</AuditMessages>").encode()).find("AuditMessage")
    assert atna_event_id(alone) == atna_event_id(wrapped)
    assert atna_event_id(alone).startswith("atna-") and len(atna_event_id(alone)) == 29
    changed = etree.fromstring(casem_message(action="U").encode())
    assert atna_event_id(changed) != atna_event_id(alone)


@pytest.mark.parametrize("name", bad_cases("atna_"))
def test_every_bad_atna_input_gives_its_reason(store_con, name):
    check_bad_case(store_con, name)


def test_an_entity_declaration_is_never_expanded(store_con):
    from ingest_helpers import BAD

    ingest_file(store_con, BAD / "atna_xxe.xml")
    raw = store_con.execute("SELECT coalesce(string_agg(raw, ''), '') FROM quarantine").fetchone()[0]
    assert "root:" not in raw
    assert store_con.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_message_over_max_record_bytes_is_quarantined_alone(tmp_path):
    small, large = casem_message(), casem_message(extra='<ActiveParticipant UserID="' + "x" * 800 + '"/>')
    path = tmp_path / "casem.xml"
    path.write_text(f"<AuditMessages>{small}{large}{small.replace('09:15', '09:16')}</AuditMessages>", encoding="utf-8")
    adapter = AtnaAdapter(config={"ingest": {"max_record_bytes": 1000, "max_xml_depth": 64}})
    records = list(adapter.records(path))
    assert [hasattr(r, "fields") for r in records] == [True, False, True]
    assert "larger than max_record_bytes (1000)" in records[1].reason
