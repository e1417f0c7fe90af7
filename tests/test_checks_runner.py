"""`lokivahti check` and `lokivahti findings`: stable findings, incremental re-checks, explanations, the
auditors' own access log, review status in exports and formula-safe CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rulecases import insert_event, load_case_into, load_cases
from typer.testing import CliRunner

from pipelines.checks.export import neutralise
from pipelines.checks.runner import explained_share, run_check
from pipelines.cli import app
from pipelines.config import load_config
from pipelines.store import connect, snapshot_path
from pipelines.workstore import log_access, record_review, work_path_for

CASES = Path(__file__).parent / "checks"
runner = CliRunner()


def county_case():
    """The base county with three reads: one legitimate, one without involvement, one by a clerk."""
    case = load_cases(CASES / "involvement_missing.yaml", CASES / "_base.yaml")[0]
    case.events = [
        {"id": "ok", "account": "anna", "client": "C1", "action": "read", "time": "2025-03-04T10:00"},
        {"id": "snoop", "account": "anna", "client": "C2", "action": "read", "time": "2025-03-04T11:00"},
        {"id": "clerk", "account": "rita", "client": "C2", "action": "read", "time": "2025-03-04T12:00"},
    ]
    return case


@pytest.fixture
def county_store(tmp_store):
    con = connect(tmp_store)
    case = county_case()
    load_case_into(con, case)
    yield con, case
    con.close()


def findings(con):
    return con.execute("SELECT finding_id, rule_id, finding_key, first_seen_at FROM findings ORDER BY 1").fetchall()


def test_a_finding_id_is_md5_of_rule_and_key(county_store):
    con, _ = county_store
    run_check(con, load_config())
    row = con.execute("SELECT finding_id, md5(rule_id || '|' || finding_key) FROM findings "
                      "WHERE rule_id = 'involvement_missing'").fetchone()
    assert row[0] == row[1]
    assert con.execute("SELECT source_event_id FROM finding_events WHERE finding_id = ?", [row[0]]).fetchall() == [("snoop",)]


def test_rerunning_with_nothing_new_changes_nothing_and_duplicates_nothing(county_store):
    con, _ = county_store
    first = run_check(con, load_config())
    before = findings(con)
    again = run_check(con, load_config())
    assert first.scope.kind == "full" and again.scope.kind == "none"
    assert findings(con) == before
    forced = run_check(con, load_config(), force_full=True)
    assert forced.findings_new == 0
    assert [r[:3] for r in findings(con)] == [r[:3] for r in before]
    assert con.execute("SELECT count(*) - count(DISTINCT finding_id) FROM findings").fetchone()[0] == 0


def test_new_ingest_runs_are_checked_incrementally_and_old_findings_keep_first_seen(county_store):
    con, case = county_store
    run_check(con, load_config(), now=datetime(2025, 3, 5, tzinfo=UTC))
    before = {r[0]: r[3] for r in findings(con)}
    con.execute("INSERT INTO ingest_runs (run_id, path, file_name, format, started_at, status) "
                "VALUES (nextval('ingest_run_seq'), 'later', 'later', 'canonical_csv', '2030-01-01', 'done')")
    insert_event(con, {"id": "snoop2", "account": "anna", "client": "C2", "action": "read",
                       "time": "2025-03-04T15:00", "run": 2}, case.aliases)
    insert_event(con, {"id": "far", "account": "anna", "client": "C2", "action": "read",
                       "time": "2025-06-10T15:00", "run": 2}, case.aliases)
    result = run_check(con, load_config(), now=datetime(2025, 6, 11, tzinfo=UTC))
    assert result.scope.kind == "incremental"
    assert min(result.scope.dates).isoformat() == "2025-03-03"
    after = {r[0]: r[3] for r in findings(con)}
    for finding_id, first_seen in before.items():
        assert after[finding_id] == first_seen
    keys = {r[2] for r in findings(con) if r[1] == "involvement_missing"}
    assert keys == {"sys|snoop", "sys|snoop2", "sys|far"}


def test_changed_reference_data_rechecks_the_account_days_it_touches(county_store):
    con, case = county_store
    run_check(con, load_config())
    con.execute("INSERT INTO reference_imports VALUES (2, 'case', 'another fingerprint', now(), 0, 0)")
    con.execute("INSERT INTO ref_involvement VALUES (?, 'S1', NULL, 'responsible_worker', '2025-01-01', NULL, 99)",
                [case.aliases["C2"]])
    result = run_check(con, load_config())
    assert result.scope.kind == "reference"
    assert [r for r in findings(con) if r[1] == "involvement_missing"] == []


def test_a_change_of_role_permissions_rechecks_everything(county_store):
    con, _ = county_store
    run_check(con, load_config())
    con.execute("INSERT INTO reference_imports VALUES (2, 'case', 'another fingerprint', now(), 0, 0)")
    con.execute("INSERT INTO ref_role_permissions VALUES ('wizard', '*', 'read', false, 99)")
    assert run_check(con, load_config()).scope.kind == "full"


def test_every_access_event_outside_findings_is_explained_with_the_first_basis(county_store):
    con, _ = county_store
    run_check(con, load_config())
    rows = dict(con.execute(
        "SELECT e.source_event_id, x.basis FROM explanations x JOIN events e USING (run_id, record_no)").fetchall())
    assert rows == {"ok": "unit", "clerk": "role_without_involvement"}
    share = explained_share(con).row(0, named=True)
    assert (share["access_events"], share["in_findings"], share["explained"]) == (3, 1, 2)
    assert share["explained_share"] == 1.0


def test_an_explanation_names_its_own_event_when_runs_number_their_records_alike(county_store):
    # an explanation is stored by the event's ingest run and record number (sql/schema/015_...), which the check
    # carries packed in one integer: three runs that each have a record 7, and the largest run and record number
    # the packing takes, must each keep their own event's basis
    con, _ = county_store
    keys = {"ok": (2**31 - 1, 2**32 - 1), "snoop": (1, 7), "clerk": (2, 7)}
    for event_id, (run_id, record_no) in keys.items():
        con.execute("UPDATE events SET run_id = ?, record_no = ? WHERE source_event_id = ?", [run_id, record_no, event_id])
    run_check(con, load_config(), force_full=True)
    stored = {tuple(k): basis for *k, basis in con.execute("SELECT run_id, record_no, basis FROM explanations").fetchall()}
    assert stored == {keys["ok"]: "unit", keys["clerk"]: "role_without_involvement"}


def test_a_record_number_past_what_the_check_packs_is_refused_by_name(county_store):
    con, _ = county_store
    con.execute("UPDATE events SET record_no = ? WHERE source_event_id = 'ok'", [2**32])
    with pytest.raises(Exception, match="run_id or record_no outside the range"):
        run_check(con, load_config(), force_full=True)
    assert con.execute("SELECT count(*) FROM explanations").fetchone()[0] == 0


def test_bad_reference_data_becomes_findings_not_a_crash(county_store):
    con, _ = county_store
    con.execute("INSERT INTO ref_staff VALUES ('S1', 'Anna Aaltonen', NULL, NULL, 'HVA', 'U1', 'wizard', 't', "
                "'2025-01-01', '2024-01-01', 50)")
    con.execute("INSERT INTO ref_staff VALUES ('S1', 'Anna Aaltonen', NULL, NULL, 'HVA', 'U3', 'social_worker', 't', "
                "'2025-03-01', NULL, 51)")
    run_check(con, load_config())
    rules = {(r[1], r[2]) for r in findings(con)}
    assert ("dq_reversed_period", "staff|50") in rules
    assert ("dq_unknown_role", "staff|50") in rules
    assert ("dq_overlapping_employment", "staff|51") in rules


def _cli_store(tmp_path) -> Path:
    store = tmp_path / "cli.duckdb"
    con = connect(store)
    load_case_into(con, county_case())
    con.close()
    return store


def test_check_imports_the_dashboards_own_access_log_and_audits_it(tmp_path):
    """The auditors are audited: the look-up becomes an event of source `lokivahti`. A dashboard user who
    is nobody in the staff register is a configuration error (exit 4, named), not a finding per look-up."""
    store = _cli_store(tmp_path)
    work = work_path_for(store)
    log_access(work, user_name="dpo_maija", role="dpo", action="read", page="client", client_id="010180-9015")
    result = runner.invoke(app, ["--store", str(store), "check"])
    assert result.exit_code == 4, result.output
    assert "dpo_maija" in result.output and "configuration error" in result.output
    assert snapshot_path(store).exists()
    con = connect(store)
    try:
        event = con.execute("SELECT source_event_id, account, purpose FROM events WHERE source_system = 'lokivahti'").fetchall()
        assert event == [("1", "dpo_maija", "other_task")]
        assert con.execute("SELECT rule_id FROM findings f JOIN finding_events e USING (finding_id) "
                           "WHERE e.source_system = 'lokivahti'").fetchall() == []
    finally:
        con.close()
    again = runner.invoke(app, ["--store", str(store), "check"])
    assert "scope none" in again.output and again.exit_code == 0


def test_findings_export_shows_review_status_and_every_event(tmp_path):
    store = _cli_store(tmp_path)
    assert runner.invoke(app, ["--store", str(store), "check"]).exit_code == 0
    con = connect(store)
    fid = con.execute("SELECT finding_id FROM findings WHERE rule_id = 'involvement_missing'").fetchone()[0]
    con.close()
    record_review(work_path_for(store), fid, "under_review", actor="dpo")
    result = runner.invoke(app, ["--store", str(store), "findings", "--format", "json", "--rule", "involvement_missing"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [(i["status"], i["user"]["account"], i["events"]) for i in items] == [
        ("under_review", "anna", [{"source_system": "sys", "source_event_id": "snoop"}])]
    csv_out = runner.invoke(app, ["--store", str(store), "findings", "--status", "new"]).stdout
    rows = list(csv.DictReader(io.StringIO(csv_out)))
    assert rows and all(r["status"] == "new" for r in rows)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell
    assert neutralise("anna") == "anna"


def test_every_explanation_basis_has_a_text_in_finnish_swedish_and_english():
    from pipelines.checks.explanations import bases_in_rule_order, basis_text, basis_texts

    texts = basis_texts()
    assert texts["basis"].to_list() == bases_in_rule_order()
    for column in ("text_fi", "text_sv", "text_en"):
        assert texts[column].str.len_chars().min() > 5
    assert basis_text("unit", "en") == "The unit handling the client's matter"
