"""One findings writer for the rule catalogue and the anomaly model (sql/findings/store.sql).

A finding keeps its id while it persists, so the review status the work store keeps by that id survives
every re-check and re-scoring (DOMAIN.md: triage new -> under review -> explained / violation / false positive);
a re-run replaces only what it answers for: the rules the dates they checked, the model all of its findings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.checks.catalogue import Rule, member_meta, model_files, model_members, validate_rule_file
from pipelines.findings import open_found, store_findings

RULE = Rule(id="involvement_missing", category="involvement", severity="high", level="event", scope="events",
            meta={}, sql="")
MODEL = model_members()[0]
T1, T2 = datetime(2026, 3, 5, 8, tzinfo=UTC), datetime(2026, 3, 6, 8, tzinfo=UTC)


def found(con, rule_id: str, key: str, day: date, event: str, severity: str | None = None) -> None:
    con.execute(
        "INSERT INTO chk_found BY NAME SELECT $rule AS rule_id, $key AS finding_key, $day AS event_date, "
        "[{'source_system': 'effica', 'source_event_id': $event}] AS events, $severity AS severity",
        {"rule": rule_id, "key": key, "day": day, "event": event, "severity": severity},
    )


def checked_dates(con, *days: date) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE chk_scope_dates AS SELECT unnest($d::DATE[]) AS d", {"d": list(days)})


def findings(con) -> dict:
    return {r[0]: r[1:] for r in con.execute(
        "SELECT finding_key, rule_id, severity, first_seen_at, last_checked_at, event_count FROM findings").fetchall()}


def test_a_finding_that_persists_keeps_its_id_and_first_seen_time(store_con):
    open_found(store_con)
    found(store_con, RULE.id, "e1", date(2026, 3, 2), "e1")
    assert store_findings(store_con, [RULE], full=True, now=T1) == (1, 1)
    first_id = store_con.execute("SELECT finding_id FROM findings").fetchone()[0]
    open_found(store_con)
    found(store_con, RULE.id, "e1", date(2026, 3, 2), "e1")
    assert store_findings(store_con, [RULE], full=True, now=T2) == (1, 0)
    assert store_con.execute("SELECT finding_id FROM findings").fetchone()[0] == first_id
    assert findings(store_con)["e1"][2:4] == (T1, T2)


def test_an_incremental_check_replaces_only_the_findings_of_the_dates_it_checked(store_con):
    open_found(store_con)
    found(store_con, RULE.id, "e1", date(2026, 3, 2), "e1")
    found(store_con, RULE.id, "e2", date(2026, 3, 3), "e2")
    store_findings(store_con, [RULE], full=True, now=T1)
    open_found(store_con)
    checked_dates(store_con, date(2026, 3, 3))  # the 3rd was re-checked and is clean now; the 2nd was not
    store_findings(store_con, [RULE], full=False, now=T2)
    assert set(findings(store_con)) == {"e1"}


def test_the_model_writes_through_the_same_writer_with_its_own_severity_and_leaves_rule_findings_alone(store_con):
    open_found(store_con)
    found(store_con, RULE.id, "e1", date(2026, 3, 2), "e1")
    store_findings(store_con, [RULE], full=True, now=T1)
    open_found(store_con)
    found(store_con, MODEL.id, "S1|2026-03-02", date(2026, 3, 2), "e1", severity="high")
    found(store_con, MODEL.id, "S2|2026-03-02", date(2026, 3, 2), "e9")
    store_findings(store_con, [MODEL], full=True, now=T1)
    open_found(store_con)  # re-scoring: S2's day is no longer unusual, S1's still is
    found(store_con, MODEL.id, "S1|2026-03-02", date(2026, 3, 2), "e1", severity="high")
    store_findings(store_con, [MODEL], full=True, now=T2)
    got = findings(store_con)
    assert set(got) == {"e1", "S1|2026-03-02"}
    assert got["S1|2026-03-02"][:3] == ("model_anomaly", "high", T1)
    assert got["e1"][:2] == ("involvement_missing", "high")


def test_the_model_is_a_typed_member_of_the_catalogue_with_a_complete_header():
    """Its findings get a title and a legal basis on the dashboard like any rule's (703/2023 9-10 §)."""
    assert [validate_rule_file(f) for f in model_files()] == [[]]
    assert MODEL.type == "machine_learning" and MODEL.category == "model"
    meta = member_meta()["model_anomaly"]
    assert meta["title_fi"] and "703/2023" in meta["legal_basis"]
