"""The use and disclosure log must carry what asiakastietolaki 703/2023 10 § requires, whatever combination of
fields a source leaves empty.

The check reads the partition once and marks the events that may miss a field or carry a bad time
(`chk_ctx_rows.log_suspect`, sql/checks/_access_context.sql); log_missing_fields and log_clock_skew then judge the
marked events only. A mark narrower than a rule would silently drop findings, and the two conditions are written
in two files. This test walks every combination of the fields the law names and compares the findings with the
law's list, written here on its own:

- 10 § 2 mom, the use log: "käytetyt tiedot" (the data used: a document or a description of it), "käyttäjä"
  (the account), "käyttötarkoitus" (the purpose; an emergency access states its own ground) and "aika";
- 10 § 3 mom, the disclosure log: "tietojen kuvaus" (document or description), "vastaanottaja" (recipient),
  "tarkoitus" (purpose) and "säännös tai lupa" (legal basis).
A use is a successful access to a client's data (read, create, update, delete, print, export); a search or a
refused attempt is logged but is no use of the data. Every event must name who acted.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rulecases import insert_events, load_case_into, load_cases

from pipelines.checks.runner import run_check
from pipelines.config import load_config
from pipelines.store import connect

CASES = Path(__file__).parent / "checks"
USES = ("read", "create", "update", "delete", "print", "export")
ACTIONS = ("read", "export", "search", "disclose", "other")


def _combinations():
    """Every combination of the fields 10 § names (and of what makes an event a use), one event each."""
    axes = {
        "account": ("anna", None), "client": ("C1", None), "outcome": ("success", "failure"), "action": ACTIONS,
        "purpose": ("client_relationship", None), "emergency": (False, True), "document": ("muistio", None),
        "data": ("päätös", None), "recipient": ("KELA", None), "legal_basis": ("sosiaalihuoltolaki 41 §", None),
        "time_flag": (None, "nonexistent"),
    }
    for n, values in enumerate(itertools.product(*axes.values())):
        e = dict(zip(axes, values, strict=True))
        # one event a second from 10:00 local time on 4 March 2025, every id distinct
        e |= {"id": f"e{n}", "time": f"2025-03-04T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}"}
        yield e


def missing_by_law(e: dict) -> set[str]:
    """The fields 10 § requires of this event that it does not carry."""
    missing = set() if e["account"] else {"account"}
    use = e["client"] is not None and e["outcome"] == "success" and e["action"] in USES
    if use or e["action"] == "disclose":
        if e["purpose"] is None and not e["emergency"]:
            missing.add("purpose")
        if e["document"] is None and e["data"] is None:
            missing.add("data_description" if e["action"] == "disclose" else "document")
    if e["action"] == "disclose":
        missing |= {f for f, v in (("recipient_organisation_id", e["recipient"]),
                                   ("legal_basis", e["legal_basis"])) if v is None}
    return missing


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    """The combinations stored and checked once; returns (events, {rule: {event id: evidence}})."""
    store = tmp_path_factory.mktemp("marks") / "store.duckdb"
    con = connect(store)
    case = load_cases(CASES / "log_missing_fields.yaml", CASES / "_base.yaml")[0]
    case.events = []
    load_case_into(con, case)  # ingest run 1 started in 2030: no event of it is stamped ahead of its run
    events = list(_combinations())
    insert_events(con, events, case.aliases)
    # a run that began at 08:00 UTC (10:00 in Helsinki): 4 minutes later is within the allowed skew, 6 is not
    con.execute("INSERT INTO ingest_runs (run_id, path, file_name, format, started_at, status) "
                "VALUES (2, 'late', 'late', 'canonical_csv', ?, 'done')", [datetime(2025, 3, 5, 8, 0, tzinfo=UTC)])
    skew = [{"id": "in_time", "account": "anna", "client": "C1", "document": "muistio", "run": 2,
             "time": "2025-03-05T10:04"},
            {"id": "ahead", "account": "anna", "client": "C1", "document": "muistio", "run": 2,
             "time": "2025-03-05T10:06"}]
    insert_events(con, skew, case.aliases, first_record_no=len(events) + 1)
    run_check(con, load_config())
    rows = con.execute(
        "SELECT f.rule_id, fe.source_event_id, f.evidence FROM findings f JOIN finding_events fe USING (finding_id) "
        "WHERE f.rule_id IN ('log_missing_fields', 'log_clock_skew')").fetchall()
    con.close()
    found: dict[str, dict[str, str]] = {"log_missing_fields": {}, "log_clock_skew": {}}
    for rule, event_id, evidence in rows:
        found[rule][event_id] = evidence
    return events, found


def test_every_event_missing_a_field_the_law_requires_is_found_with_what_it_misses(judged):
    events, found = judged
    expected = {e["id"]: missing_by_law(e) for e in events if missing_by_law(e)}
    got = {i: set(json.loads(ev)["missing"]) for i, ev in found["log_missing_fields"].items()}
    assert len(expected) > 1000  # the walk reaches every branch of the law's list many times
    assert got == expected


def test_an_event_in_the_spring_gap_or_stamped_ahead_of_its_ingest_is_found_and_no_other(judged):
    events, found = judged
    expected = {e["id"] for e in events if e["time_flag"] == "nonexistent"} | {"ahead"}
    assert set(found["log_clock_skew"]) == expected
