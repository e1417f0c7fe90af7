"""FHIR AuditEvent (R4 and R5; JSON, Bundle, NDJSON, XML): the lifecare log and the published examples."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import bad_cases, check_bad_case, ingest_one_record_sample

from pipelines import PROJECT_ROOT
from pipelines.config import load_config
from pipelines.ingest.engine import ingest_file
from pipelines.ingest.fhir import FhirAdapter, fhir_event_id, resource_fields

HETU = "010315A9010"


def fhir_samples(shared):
    folders = ["fhir-r4/ihe-balp", "fhir-r4/atna2fhir", "fhir-r5-json-derived", "fhir-r5-xml", "fhir-legacy-xml"]
    return [p for f in folders for p in sorted((shared / f).iterdir()) if p.suffix in (".json", ".xml")]


def fields_of(path):
    return [r.fields for r in FhirAdapter(load_config()).records(path) if hasattr(r, "fields")]


def lifecare_event(**overrides):
    resource = {
        "resourceType": "AuditEvent", "id": "lc-1",
        "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110"},
        "action": "R", "recorded": "2024-03-04T09:15:00+02:00", "outcome": "0",
        "purposeOfEvent": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                                        "code": "TREAT"}]}],
        "agent": [{"who": {"identifier": {"value": "hoitaja1"}}, "requestor": True}],
        "source": {"observer": {"display": "lifecare"}},
        "entity": [{"what": {"identifier": {"system": "urn:oid:1.2.246.21", "value": HETU}},
                    "detail": [{"type": "service_task", "valueString": "home_care"},
                               {"type": "document", "valueString": "hoitosuunnitelma"}]}],
    }
    resource.update(overrides)
    return resource


SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
FHIR_SAMPLES = fhir_samples(SAMPLES) if SAMPLES.is_dir() else []
QUARANTINED = {"empty-fhir.json": "missing source_system", "audit-event-example-login.xml": "pre-R4"}


@pytest.mark.parametrize("path", FHIR_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_published_fhir_sample_normalises_or_is_quarantined_with_a_reason(module_store, path):
    reason = ingest_one_record_sample(module_store, path, "fhir", set(QUARANTINED))
    assert QUARANTINED[path.name] in reason if path.name in QUARANTINED else reason is None


def test_the_published_fhir_samples_are_all_there(shared_samples):
    assert len(fhir_samples(shared_samples)) >= 18


def test_a_pre_r4_audit_event_is_refused_as_the_wrong_version(store_con, shared_samples):
    tally = ingest_file(store_con, shared_samples / "fhir-legacy-xml" / "audit-event-example-login.xml")
    assert (tally.quarantined, tally.normalised_new) == (1, 0)
    reason = store_con.execute("SELECT reason FROM quarantine").fetchone()[0]
    assert "pre-R4" in reason and "R4 or R5" in reason


def test_r5_xml_and_its_json_conversion_give_the_same_event(shared_samples):
    for name in ["audit-event-example-search", "auditevent-example-breakglass-start",
                 "auditevent-example-consent-authz"]:
        from_xml = fields_of(shared_samples / "fhir-r5-xml" / f"{name}.xml")[0]
        from_json = fields_of(shared_samples / "fhir-r5-json-derived" / f"{name}.json")[0]
        for key in ("source_event_id", "account", "client_id", "action", "purpose", "emergency", "outcome",
                    "source_system", "search_criteria"):
            assert from_xml[key] == from_json[key], (name, key)


def test_break_the_glass_is_an_emergency(shared_samples):
    f = fields_of(shared_samples / "fhir-r5-xml" / "auditevent-example-breakglass-start.xml")[0]
    assert (f["purpose"], f["emergency"], f["client_id"]) == ("emergency", "true", "Patient/example")


def test_balp_examples_give_search_disclose_and_a_denied_access(shared_samples):
    balp = shared_samples / "fhir-r4" / "ihe-balp"
    query = fields_of(balp / "AuditEvent-ex-auditBasicQueryGetServer.json")[0]
    assert query["action"] == "search" and query["search_criteria"].startswith("GET test.fhir.org")
    disclosure = fields_of(balp / "AuditEvent-ex-auditPrivacyDisclosure-recipient.json")[0]
    assert disclosure["action"] == "disclose" and disclosure["client_id"] == "Patient/ex-patient"
    denied = fields_of(balp / "AuditEvent-ex-auditAuthZconsent-deny.json")[0]
    assert denied["outcome"] == "failure"
    read = fields_of(balp / "AuditEvent-ex-auditBasicReadClient.json")[0]
    assert (read["action"], read["source_system"], read["source_event_id"]) == (
        "read", "myMachine.example.org", "ex-auditBasicReadClient")


def test_a_transaction_bundle_yields_its_audit_events(shared_samples):
    records = list(FhirAdapter(load_config()).records(shared_samples / "fhir-r4" / "atna2fhir" / "basic-fhir-bundle.json"))
    assert len(records) == 1 and records[0].fields["action"] == "other"


def test_the_lifecare_convention_maps_every_field():
    f = resource_fields(lifecare_event())
    assert f == f | {"source_system": "lifecare", "source_event_id": "lc-1", "account": "hoitaja1",
                     "client_id": HETU, "action": "read", "purpose": "client_relationship",
                     "service_task": "home_care", "document": "hoitosuunnitelma", "outcome": "success",
                     "channel": "native", "event_time": "2024-03-04T09:15:00+02:00"}
    assert f["emergency"] is None


@pytest.mark.parametrize("subtype, action", [("search-type", "search"), ("export", "export"),
                                             ("print", "print"), ("disclose", "disclose"), ("vread", "read")])
def test_the_subtype_refines_the_action(subtype, action):
    f = resource_fields(lifecare_event(action="E", subtype=[{"code": subtype}]))
    assert f["action"] == action


def test_an_information_recipient_agent_is_the_disclosure_recipient():
    resource = lifecare_event(agent=[
        {"who": {"identifier": {"value": "hoitaja1"}}, "requestor": True},
        {"type": {"coding": [{"code": "IRCP"}]}, "who": {"identifier": {"value": "YKS1"}}, "requestor": False},
    ], subtype=[{"code": "disclose"}])
    f = resource_fields(resource)
    assert (f["action"], f["recipient_organisation_id"], f["account"]) == ("disclose", "YKS1", "hoitaja1")


def test_an_audit_event_without_id_gets_a_stable_content_hash():
    resource = lifecare_event()
    del resource["id"]
    assert resource_fields(resource)["source_event_id"] == fhir_event_id(resource)
    reordered = dict(reversed(list(resource.items())))
    assert fhir_event_id(reordered) == fhir_event_id(resource)
    assert fhir_event_id(resource).startswith("fhir-") and len(fhir_event_id(resource)) == 29


def test_ndjson_is_read_line_by_line_and_stored_in_utc(store_con, tmp_path):
    path = tmp_path / "lifecare.ndjson"
    lines = [lifecare_event(id=f"lc-{i}") for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    tally = ingest_file(store_con, path)
    assert (tally.format, tally.normalised_new) == ("fhir", 3)
    t = store_con.execute("SELECT event_time FROM events WHERE source_event_id = 'lc-0'").fetchone()[0]
    assert t.isoformat() == "2024-03-04T07:15:00+00:00"


@pytest.mark.parametrize("name", bad_cases("fhir_"))
def test_every_bad_fhir_input_gives_its_reason(store_con, name):
    check_bad_case(store_con, name)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["code", "coding", "system", "value", "identifier", "reference", "display", "type",
                         "who", "what", "requestor", "detail", "valueString", "start"]), inner, max_size=4),
    max_leaves=12,
)
audit_keys = st.sampled_from(["id", "action", "recorded", "period", "outcome", "agent", "entity", "source",
                              "subtype", "type", "code", "purposeOfEvent", "authorization", "patient"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(audit_keys, json_values, max_size=8))
def test_an_audit_event_of_any_shape_is_read_or_rejected_never_a_crash(body):
    record = FhirAdapter._checked(1, 1, {"resourceType": "AuditEvent", **body}, "{}")
    assert record.record_no == 1
    if hasattr(record, "reason"):
        assert "unexpected shape" in record.reason


def test_a_fhir_xml_bundle_yields_each_entry_and_refuses_other_resources(store_con):
    from ingest_helpers import FIXTURES

    tally = ingest_file(store_con, FIXTURES / "lifecare_bundle.xml")
    assert (tally.format, tally.normalised_new, tally.quarantined) == ("fhir", 1, 1)
    row = store_con.execute("SELECT source_system, account, client_id, action, purpose, service_task, event_time "
                            "FROM events").fetchone()
    assert row[:6] == ("lifecare", "hoitaja2", "120708A902J", "print", "other_task", "home_care")
    assert row[6].isoformat() == "2024-10-27T00:30:00+00:00"
    reason = store_con.execute("SELECT reason FROM quarantine").fetchone()[0]
    assert "Patient is not an AuditEvent" in reason


def test_a_resource_over_max_record_bytes_is_quarantined_alone(tmp_path):
    path = tmp_path / "lifecare.ndjson"
    big = lifecare_event(id="big", entity=[{"detail": [{"type": "document", "valueString": "x" * 2000}]}])
    path.write_text("\n".join(json.dumps(r) for r in [lifecare_event(), big]) + "\n", encoding="utf-8")
    records = list(FhirAdapter(config={"ingest": {"max_record_bytes": 1500, "max_xml_depth": 64}}).records(path))
    assert hasattr(records[0], "fields") and "max_record_bytes (1500)" in records[1].reason
    assert records[1].line_no == 2
