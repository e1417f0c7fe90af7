"""The configuration a run is given reaches every part of it: a limit set with `--config` applies to every
source format, not only to the canonical CSV (the adapters used to read lokivahti.toml on their own)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.store import connect

HETU = "010315A9010"


def audit_event(n: int) -> dict:
    """A FHIR AuditEvent of the shape a client system's export has (a read of one client's record)."""
    return {
        "resourceType": "AuditEvent", "id": f"cfg-{n}",
        "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110"},
        "action": "R", "recorded": f"2024-03-04T09:{n:02d}:00+02:00", "outcome": "0",
        "agent": [{"who": {"identifier": {"value": "hoitaja1"}}, "requestor": True}],
        "source": {"observer": {"display": "lifecare"}},
        "entity": [{"what": {"identifier": {"system": "urn:oid:1.2.246.21", "value": HETU}}}],
    }


def atna_message(n: int) -> str:
    return (
        f'<AuditMessage><EventIdentification EventActionCode="R" EventDateTime="2024-03-04T09:{n:02d}:00+02:00" '
        'EventOutcomeIndicator="0"><EventID csd-code="110110" codeSystemName="DCM"/></EventIdentification>'
        '<ActiveParticipant UserID="valvoja1" UserIsRequestor="true"/>'
        '<AuditSourceIdentification AuditSourceID="CASEM"/>'
        f'<ParticipantObjectIdentification ParticipantObjectID="{HETU}^^^&amp;1.2.246.21&amp;ISO" '
        'ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"/></AuditMessage>'
    )


def ingest_with_limit(tmp_path, event_file, max_record_bytes: int):
    """`lokivahti --config X ingest FILE` with [ingest] max_record_bytes set in X; (events, quarantined)."""
    config = tmp_path / f"limit-{max_record_bytes}.toml"  # load_config caches by path
    config.write_text(f"[ingest]\nmax_record_bytes = {max_record_bytes}\n", encoding="utf-8")
    store = tmp_path / "store.duckdb"
    result = CliRunner().invoke(app, ["--store", str(store), "--config", str(config), "ingest", str(event_file)])
    assert result.exit_code == 0, result.output
    con = connect(store, read_only=True)
    try:
        return (con.execute("SELECT count(*) FROM events").fetchone()[0],
                con.execute("SELECT count(*) FROM quarantine").fetchone()[0])
    finally:
        con.close()


def test_a_record_limit_given_with_config_applies_to_fhir_files(tmp_path):
    path = tmp_path / "lifecare.ndjson"
    path.write_text("\n".join(json.dumps(audit_event(n)) for n in range(3)) + "\n", encoding="utf-8")
    assert ingest_with_limit(tmp_path, path, 1_000_000) == (3, 0)
    (tmp_path / "store.duckdb").unlink()
    assert ingest_with_limit(tmp_path, path, 100) == (0, 3)


def test_a_record_limit_given_with_config_applies_to_atna_files(tmp_path):
    path = tmp_path / "casem.xml"
    path.write_text("<AuditMessages>" + "".join(atna_message(n) for n in range(2)) + "</AuditMessages>",
                    encoding="utf-8")
    assert ingest_with_limit(tmp_path, path, 1_000_000) == (2, 0)
    (tmp_path / "store.duckdb").unlink()
    assert ingest_with_limit(tmp_path, path, 100) == (0, 2)


def test_a_record_limit_given_with_config_applies_to_a_client_systems_export(tmp_path):
    path = tmp_path / "portal.jsonl"
    line = {"eventId": "P-1", "timestamp": "2024-03-04T07:15:00Z", "user": "prov.user1", "providerOrg": "YKS1",
            "clientHetu": HETU, "operation": "VIEW_CLIENT"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert ingest_with_limit(tmp_path, path, 1_000_000) == (1, 0)
    (tmp_path / "store.duckdb").unlink()
    assert ingest_with_limit(tmp_path, path, 50) == (0, 1)
