"""`lokivahti evaluate`: rules and categories scored against the generator's labels, and the explained share
of legitimate accesses."""

from __future__ import annotations

import json
from pathlib import Path

from rulecases import load_case_into, load_cases
from typer.testing import CliRunner

from pipelines.checks.evaluate import evaluate_rules
from pipelines.checks.runner import run_check
from pipelines.cli import app
from pipelines.config import load_config
from pipelines.store import connect

CASES = Path(__file__).parent / "checks"
runner = CliRunner()


def checked_store(tmp_path) -> Path:
    """Three reads: `ok` (explained), `snoop` (no involvement), `clerk` (explained by the role)."""
    case = load_cases(CASES / "involvement_missing.yaml", CASES / "_base.yaml")[0]
    case.events = [
        {"id": "ok", "account": "anna", "client": "C1", "action": "read", "time": "2025-03-04T10:00"},
        {"id": "snoop", "account": "anna", "client": "C2", "action": "read", "time": "2025-03-04T11:00"},
        {"id": "clerk", "account": "rita", "client": "C2", "action": "read", "time": "2025-03-04T12:00"},
    ]
    store = tmp_path / "eval.duckdb"
    con = connect(store)
    load_case_into(con, case)
    run_check(con, load_config())
    con.close()
    return store


def _evaluated(tmp_path, labels: Path) -> dict:
    """The evaluation of the checked toy store against the labels folder."""
    con = connect(checked_store(tmp_path))
    try:
        return evaluate_rules(con, labels)
    finally:
        con.close()


def write_labels(folder: Path, event_rows: list[str], key_rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event_labels.csv").write_text("source_system,source_event_id,rule_id,kind\n" + "\n".join(event_rows) + "\n")
    (folder / "key_labels.csv").write_text("rule_id,key\n" + "\n".join(key_rows) + "\n")
    (folder / "anomalies.csv").write_text("staff_id,date,scenario\n")
    return folder


def test_a_rule_that_flags_exactly_its_labelled_violations_scores_one(tmp_path):
    store = checked_store(tmp_path)
    labels = write_labels(tmp_path / "labels", ["sys,snoop,involvement_missing,violation",
                                                "sys,ok,involvement_missing,near_miss"], [])
    con = connect(store)
    try:
        result = evaluate_rules(con, labels)
    finally:
        con.close()
    rule = result["rules"]["involvement_missing"]
    assert (rule["tp"], rule["fp"], rule["fn"], rule["precision"], rule["recall"]) == (1, 0, 0, 1.0, 1.0)
    assert rule["near_misses_flagged"] == 0
    assert result["categories"]["involvement"]["precision"] == 1.0


def test_a_missed_violation_and_an_unlabelled_finding_count_against_the_rule(tmp_path):
    labels = write_labels(tmp_path / "labels", ["sys,clerk,involvement_missing,violation"], [])
    rule = _evaluated(tmp_path, labels)["rules"]["involvement_missing"]
    assert (rule["tp"], rule["fp"], rule["fn"]) == (0, 1, 1)
    assert rule["precision"] == 0.0 and rule["recall"] == 0.0


def test_key_rules_are_scored_by_finding_key(tmp_path):
    labels = write_labels(tmp_path / "labels", [], ["dq_unknown_role,staff|99"])
    rule = _evaluated(tmp_path, labels)["rules"]["dq_unknown_role"]
    assert (rule["tp"], rule["fp"], rule["fn"]) == (0, 0, 1)


def test_explained_share_counts_only_accesses_not_labelled_as_violations(tmp_path):
    labels = write_labels(tmp_path / "labels", ["sys,snoop,involvement_missing,violation"], [])
    share = _evaluated(tmp_path, labels)["explained_share"]
    assert share["legitimate_accesses"] == 2
    assert share["overall"] == 1.0 and share["by_source"] == {"sys": 1.0}


def test_the_json_report_has_rules_categories_share_model_and_baselines(tmp_path):
    store = checked_store(tmp_path)
    labels = write_labels(tmp_path / "labels", ["sys,snoop,involvement_missing,violation"], [])
    result = runner.invoke(app, ["--store", str(store), "evaluate", "--labels", str(labels), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"rules", "categories", "explained_share", "model", "baselines"} <= set(report)
    assert set(report["explained_share"]) >= {"overall", "by_source"}


def test_the_text_report_is_a_readable_table(tmp_path):
    store = checked_store(tmp_path)
    labels = write_labels(tmp_path / "labels", ["sys,snoop,involvement_missing,violation"], [])
    result = runner.invoke(app, ["--store", str(store), "evaluate", "--labels", str(labels)])
    assert result.exit_code == 0, result.output
    assert "involvement_missing" in result.stdout and "explained share" in result.stdout


def test_on_the_synthetic_county_every_rule_finds_exactly_its_planted_cases(small_county, tmp_path):
    """The headline: reference + every source format + check, then every rule at precision and recall 1.0
    and at least 99 % of legitimate accesses explained."""
    from pipelines.ingest.engine import ingest_file
    from pipelines.reference import import_reference

    con = connect(tmp_path / "county.duckdb")
    try:
        import_reference(con, small_county / "reference")
        for path in sorted((small_county / "events").rglob("*")):
            if path.is_file():
                ingest_file(con, path)
        run_check(con, load_config())
        result = evaluate_rules(con, small_county / "labels")
    finally:
        con.close()
    imperfect = {rule: (r["tp"], r["fp"], r["fn"]) for rule, r in result["rules"].items()
                 if r["fp"] or r["fn"]}
    assert imperfect == {}
    assert all(r["tp"] > 0 for r in result["rules"].values())
    assert result["explained_share"]["overall"] >= 0.99
    # legitimate work, including the generator's legitimate-but-unusual cases, draws no access finding (a
    # finding about the log's content or the reference data may still sit on a lawful access)
    assert {rule: r["false_per_10k_legitimate"] for rule, r in result["rules"].items()
            if r["false_per_10k_legitimate"] and r["category"] not in ("log_completeness", "data_quality")} == {}
    assert {src: share for src, share in result["explained_share"]["by_source"].items()
            if share is not None and share < 0.99} == {}
