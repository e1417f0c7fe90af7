"""The shapes real audit samples showed, in fixtures of our own (tests/fixtures/shapes), so a clean
checkout tests them without ../shared: the user named by reference, display, identifier or altId;
placeholder patients; export and disclosure by DICOM event id whatever the action code; the purpose,
legal basis, recipient and data description of a disclosure; a one-line Bundle; a break-the-glass event.

703/2023 10 § 2 mom: the use log must hold "käyttäjän nimi ja yksilöivä tunniste" — an event stored
without its user cannot be monitored, so every form a standard allows must be read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.ingest.engine import ingest_file

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
HETU = "010315A9010"


def stored(con, name: str) -> list[dict]:
    tally = ingest_file(con, SHAPES / name)
    assert tally.balanced and tally.quarantined == 0, tally
    cols = ("source_system", "account", "client_id", "action", "purpose", "emergency", "recipient_organisation_id",
            "legal_basis", "data_description", "event_time")
    rows = con.execute(f"SELECT {', '.join(cols)} FROM events WHERE run_id = (SELECT max(run_id) FROM ingest_runs) "
                       "ORDER BY record_no").fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows]


def test_a_user_named_only_by_reference_is_kept_and_break_the_glass_is_an_emergency(store_con):
    """R5 break-glass: the requestor is `who.reference` (Practitioner/…), the basis ETREAT under authorization."""
    [e] = stored(store_con, "fhir_user_as_reference_breakglass.json")
    assert e["account"] == "Practitioner/sosiaalityontekija-7"
    assert e["client_id"] == "Patient/asiakas-42"
    assert (e["purpose"], e["emergency"]) == ("emergency", True)
    assert e["legal_basis"] == "ETREAT (Emergency Treatment)"
    assert e["source_system"] == "lifecare"  # one case rule: `Lifecare` and `lifecare` are one source
    assert e["event_time"].isoformat() == "2024-05-06T07:08:00+00:00"


def test_a_user_named_only_by_display_is_kept(store_con):
    [e] = stored(store_con, "fhir_user_as_display.json")
    assert (e["account"], e["client_id"], e["action"]) == ("Maija Meikäläinen", HETU, "read")
    assert e["data_description"] == "List/case-notes"


def test_the_identifier_wins_over_altid_and_the_source_case_is_folded(store_con):
    [e] = stored(store_con, "fhir_user_as_identifier_and_altid.json")
    assert (e["account"], e["action"], e["source_system"]) == ("hoitaja1", "search", "lifecare")


def test_placeholders_are_no_value_user_from_altid_and_patient_missing(store_con):
    """`(null)` is no user name and `<none>` no client: the event is stored with the user from altId and
    no client, so the log-completeness rules see a missing client, not a client called `<none>`."""
    [e] = stored(store_con, "fhir_user_as_altid_only.json")
    assert (e["account"], e["client_id"], e["action"]) == ("kirjaaja9", None, "update")


def test_a_disclosure_keeps_its_purpose_basis_recipient_and_data(store_con):
    """703/2023 10 § 3 mom: the disclosure log holds the recipient, the data disclosed, the purpose and
    the legal provision the disclosure rests on."""
    [e] = stored(store_con, "fhir_privacy_disclosure.json")
    assert e["action"] == "disclose" and e["client_id"] == HETU
    assert e["account"] == "Practitioner/kirjaaja-3"
    assert e["recipient_organisation_id"] == "PROV-7"
    assert e["purpose"] == "statutory_right"
    assert e["legal_basis"] == "HLEGAL (legal requirement); LsL 25 §"
    assert e["data_description"] == "placement plan 2024; DocumentReference/placement-plan"


def test_a_one_line_bundle_yields_each_entry(store_con):
    rows = stored(store_con, "fhir_bundle_one_line.json")
    assert [(r["account"], r["client_id"], r["action"]) for r in rows] == [("hoitaja1", HETU, "read")] * 2


def test_a_one_line_bundle_over_a_megabyte_is_streamed_entry_by_entry(store_con, tmp_path):
    """Servers send a searchset as one minified line; over max_record_bytes (1 MB) it used to be
    quarantined whole. Each entry is its own record: every one is stored."""
    template = json.loads((SHAPES / "fhir_bundle_one_line.json").read_text())["entry"][0]["resource"]
    entries = [{"resource": template | {"id": f"big-{i}"}} for i in range(4000)]
    path = tmp_path / "searchset.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": entries},
                               separators=(",", ":")), encoding="utf-8")
    assert path.stat().st_size > 1_000_000 and path.read_bytes().count(b"\n") == 0
    tally = ingest_file(store_con, path)
    assert (tally.records_read, tally.normalised_new, tally.quarantined) == (4000, 4000, 0)


def test_a_placeholder_patient_in_atna_is_a_missing_client(store_con):
    """dcm4chee writes `<none>` where it has no patient id."""
    [e] = stored(store_con, "atna_placeholder_patient.xml")
    assert (e["account"], e["client_id"], e["action"], e["source_system"]) == ("kuvantaja2", None, "create", "casem")


def test_a_dicom_export_is_an_export_whatever_its_action_code(store_con):
    """dcm4chee logs a REST-triggered Export (110106) with EventActionCode R: export rules must see it."""
    [e] = stored(store_con, "atna_export_read_code.xml")
    assert (e["account"], e["client_id"], e["action"]) == ("vie1", HETU, "export")
    assert e["recipient_organisation_id"] is None  # a URI destination is a system, not an organisation


def test_an_atna_export_to_an_organisation_is_a_disclosure_with_purpose_basis_and_data(store_con):
    [e] = stored(store_con, "atna_disclosure_with_purpose.xml")
    assert (e["action"], e["recipient_organisation_id"], e["purpose"]) == ("disclose", "PROV-7", "statutory_right")
    assert e["legal_basis"] == "HLEGAL (lakisääteinen tiedonsaantioikeus)"
    assert e["data_description"] == "sijoitussuunnitelma; Placement plan"
    assert e["source_system"] == "casem"


@pytest.mark.parametrize("name", sorted(p.name for p in SHAPES.iterdir()))
def test_every_shape_fixture_normalises_completely(store_con, name):
    rows = stored(store_con, name)
    assert rows and all(r["account"] and r["event_time"] and r["action"] for r in rows)
