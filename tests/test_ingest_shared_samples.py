"""The published samples (../shared/samples), normalised: each one's user, client, time and action.

An extra check beside tests/test_ingest_sample_shapes.py (our own fixtures of the same shapes): these
files were written by standards bodies and open-source projects, not by us. The values below were read
off the samples by hand: the requestor agent is the user, in whatever form it is named.
"""

from __future__ import annotations

import pytest

from pipelines import PROJECT_ROOT
from pipelines.ingest.engine import ingest_file

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")

# file: (account, client_id, UTC time, action)
EXPECTED = {
    "fhir-r4/ihe-balp/AuditEvent-ex-auditAuthZconsent-deny.json":
        ("Practitioner/ex-practitioner", "Patient/ex-patient", "2021-12-27T09:49:00", "other"),
    "fhir-r4/ihe-balp/AuditEvent-ex-auditBasicQueryGetServer.json":
        ("John Smith", "Patient/ex-patient", "2020-04-29T09:49:00", "search"),
    "fhir-r4/ihe-balp/AuditEvent-ex-auditBasicReadClient.json":
        ("John Smith", "Patient/ex-patient", "2020-04-29T09:49:00", "read"),
    "fhir-r4/ihe-balp/AuditEvent-ex-auditPoke-SAML-QDI-Min.json":
        ("UID=kskagerb", None, "2021-12-03T09:49:00", "read"),
    "fhir-r4/ihe-balp/AuditEvent-ex-auditPrivacyDisclosure-recipient.json":
        ("Patient/ex-patient", "Patient/ex-patient", "2020-04-29T09:49:00", "disclose"),
    "fhir-r4/atna2fhir/ITI-43-fhir.json": ("system@localhost", None, "2020-11-13T18:37:44.462000", "create"),
    "fhir-r4/atna2fhir/ITI-48-fhir.json": ("123", None, "2020-11-13T18:38:38.552000", "create"),
    "fhir-r4/atna2fhir/ITI-8-fhir.json": ("root|xyz", "123", "2020-11-13T18:22:07.978000", "update"),
    "fhir-r4/atna2fhir/basic-fhir.json": (None, None, "2020-11-13T18:35:11.372000", "other"),
    "fhir-r4/atna2fhir/example-search-fhir.json": ("username1", None, "2020-11-13T18:20:57.507000", "search"),
    "fhir-r5-json-derived/audit-event-example-search.json": ("95", None, "2015-08-22T23:42:24", "search"),
    "fhir-r5-json-derived/auditevent-example-breakglass-start.json":
        ("Practitioner/f001", "Patient/example", "2013-09-22T00:08:00", "other"),
    "fhir-r5-json-derived/auditevent-example-consent-authz.json":
        ("Org1", "Patient/example", "2021-09-08T21:51:59.932000", "search"),
    "fhir-r5-xml/auditevent-example-breakglass-start.xml":
        ("Practitioner/f001", "Patient/example", "2013-09-22T00:08:00", "other"),
    "atna-xml/atna2fhir/ITI-8-atna.xml": ("root|xyz", "123", "2020-08-24T20:00:32.654000", "update"),
    "atna-xml/atna2fhir/example-search-atna.xml": ("username1", None, "2020-03-19T12:16:37.320000", "search"),
    "atna-xml/dcm4chee/data-export-2.xml": ("127.0.0.1", "CR3", "2024-08-21T13:16:17.167000", "export"),
    "atna-xml/dcm4chee/security-alert-14.xml": ("admin", None, None, None),  # time and action checked below
}


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_sample_normalises_to_its_user_client_time_and_action(store_con, relative):
    tally = ingest_file(store_con, SAMPLES / relative)
    assert tally.balanced and tally.quarantined == 0
    row = store_con.execute(
        "SELECT account, client_id, strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f'), action, "
        "emergency FROM events").fetchone()
    account, client, when, action, emergency = row
    want = EXPECTED[relative]
    assert (account, client) == want[:2]
    if want[2] is not None:
        assert when.removesuffix(".000000") == want[2] and action == want[3]
    if "breakglass" in relative or "security-alert-14" in relative:
        assert emergency is True


def test_dcm4chee_placeholder_patients_are_stored_without_a_client(store_con):
    """dcm4chee writes `<none>` for an unknown patient id: no event may carry it as a client."""
    folder = SAMPLES / "atna-xml" / "dcm4chee"
    with_placeholder = [p for p in sorted(folder.glob("*.xml")) if "&lt;none&gt;" in p.read_text(encoding="utf-8")]
    assert with_placeholder
    for path in with_placeholder:
        ingest_file(store_con, path)
    assert store_con.execute("SELECT count(*) FROM events WHERE client_id ILIKE '%none%'").fetchone()[0] == 0


def test_the_same_source_is_one_source_whichever_format_named_it(store_con):
    for relative in ("fhir-r4/atna2fhir/basic-fhir.json", "atna-xml/atna2fhir/basic-atna.xml"):
        ingest_file(store_con, SAMPLES / relative)
    assert store_con.execute("SELECT DISTINCT source_system FROM events").fetchall() == [("127.0.0.1@acct",)]
