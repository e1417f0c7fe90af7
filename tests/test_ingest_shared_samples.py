"""The published samples (../shared/samples), normalised: each one's user, client, time and action.

An extra check beside tests/test_ingest_sample_shapes.py (our own fixtures of the same shapes): these
files were written by standards bodies and open-source projects, not by us. The values below were read
off the samples by hand (tests/fixtures/shared_samples_expected.yaml): the requestor agent is the
user, in whatever form it is named.
"""

from __future__ import annotations

import pytest
import yaml
from ingest_helpers import FIXTURES

from pipelines import PROJECT_ROOT
from pipelines.ingest.engine import ingest_file

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")

# file: (account, client_id, UTC time, action), in a data file beside the fixtures (not among the files to ingest)
with open(FIXTURES.parent / "shared_samples_expected.yaml", encoding="utf-8") as _fh:
    EXPECTED = {name: (v["account"], v["client"], v["utc_time"], v["action"])
                for name, v in yaml.safe_load(_fh).items()}


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


def test_every_stored_event_has_its_own_ingest_run_and_record(store_con):
    # the explanations name an event by (run_id, record_no) (sql/schema/015_explanations_by_record.sql): every
    # sample, in every format, ingested into one store and then again (a re-delivery stores nothing twice) must
    # leave each stored event with a pair no other event has
    counts = []
    for _ in range(2):
        for relative in sorted(EXPECTED):
            ingest_file(store_con, SAMPLES / relative)
        counts.append(store_con.execute(
            "SELECT count(*), count(DISTINCT (run_id, record_no)), count(DISTINCT (source_system, source_event_id)) "
            "FROM events").fetchone())
    (events, pairs, keys), again = counts
    assert events > 10 and again == counts[0]
    assert pairs == events == keys
