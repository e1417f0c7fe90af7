"""The anomaly model: scores, the model record, explanations, model findings (cases), and the evaluation.

Runs on the hand-made toy county (pipelines/scoring/toy.py), where S03 spends one evening opening 45 clients
of another unit, three of them protected; and, when data_samples/small exists, on the small synthetic county.
"""

from __future__ import annotations

import hashlib
import json
import pickle

import numpy as np
import polars as pl
import pytest

from pipelines.config import load_config
from pipelines.scoring import evaluate_model, model_rule_metadata, score
from pipelines.scoring.toy import ANOMALY, load_toy_county


@pytest.fixture
def toy(store_con):
    load_toy_county(store_con)
    return store_con


def _finding_id(staff_id, day) -> str:
    return hashlib.md5(f"model_anomaly|{staff_id}|{day}".encode()).hexdigest()


def test_the_evening_of_snooping_ranks_first_and_is_flagged(toy):
    score(toy, load_config())
    staff, day, rank, flagged = toy.execute(
        "SELECT staff_id, day, rank, flagged FROM scores ORDER BY rank LIMIT 1").fetchone()
    assert (staff, day, rank, flagged) == (*ANOMALY, 1, True)


def test_every_user_day_gets_a_rank_and_the_days_over_the_flag_score_are_flagged(toy):
    """Flagged: the forest's score reaches the flag score and some aspect deviates at least min_aspect_z robust
    standard deviations (on the toy county only the evening of snooping does both)."""
    summary = score(toy, load_config())
    n, ranks, flagged = toy.execute("SELECT count(*), list(rank ORDER BY rank), count(*) FILTER (WHERE flagged) "
                                    "FROM scores").fetchone()
    assert n == summary["user_days"]
    assert ranks == list(range(1, n + 1))
    flag_score = load_config()["model"]["flag_score"]
    assert 0.0 < flag_score < 1.0   # the isolation forest's anomaly score lies in (0, 1]
    assert flagged == 1
    assert toy.execute("SELECT bool_and(score >= ?) FROM scores WHERE flagged", [flag_score]).fetchone()[0]
    assert toy.execute("SELECT bool_and(score > 0 AND score <= 1) FROM scores").fetchone()[0]
    higher_first = toy.execute("SELECT bool_and(score >= next) FROM (SELECT score, lead(score, 1, -1e9) "
                               "OVER (ORDER BY rank) AS next FROM scores)").fetchone()[0]
    assert higher_first


def test_the_flagged_share_is_capped(toy):
    config = {**load_config(), "model": {**load_config()["model"], "flag_score": 0.0, "min_aspect_z": 0.0,
                                         "max_flag_share": 0.05}}
    score(toy, config)
    n, flagged = toy.execute("SELECT count(*), count(*) FILTER (WHERE flagged) FROM scores").fetchone()
    assert flagged == -(-n * 5 // 100)


def test_same_data_and_seed_give_the_same_ranks_and_model(toy):
    first = score(toy, load_config())
    ranks1 = toy.execute("SELECT staff_id, day, rank, score FROM scores ORDER BY rank").fetchall()
    second = score(toy, load_config())
    ranks2 = toy.execute("SELECT staff_id, day, rank, score FROM scores ORDER BY rank").fetchall()
    assert first["model_id"] == second["model_id"]
    assert ranks1 == ranks2
    assert toy.execute("SELECT count(*) FROM models").fetchone()[0] == 1


def test_the_forests_scores_do_not_depend_on_how_many_threads_build_it():
    """The same data and seed give the same scores however the work is shared out ([store] threads): a model record
    must reproduce its ranking on any machine."""
    from pipelines.scoring.model import FOREST_DEFAULTS, fit_forest, unusualness

    rng = np.random.default_rng(15)
    x = np.where(rng.random((5000, 7)) < 0.1, rng.exponential(1.0, (5000, 7)), 0.0)
    one, two = (unusualness(fit_forest(x, FOREST_DEFAULTS, n_jobs=n), x) for n in (1, 2))
    assert np.array_equal(one, two)


@pytest.mark.parametrize("rows, n_sample", [(69827, 1024), (5000, 1024), (1024, 1024), (300, 300)])
def test_each_tree_draws_its_sample_from_its_own_seed_without_replacement(rows, n_sample):
    """tree_sample = "generator" (the default): each tree's rows are drawn by numpy's Generator from the tree's seed:
    n_sample distinct rows in row order, the same for the same seed, other rows for another seed (unless every row
    is taken)."""
    from pipelines.scoring.model import _tree_sample

    first = _tree_sample(rows, n_sample, 1234567, "generator")
    assert len(first) == n_sample and len(np.unique(first)) == n_sample
    assert first.min() >= 0 and first.max() < rows and np.all(np.diff(first) > 0)
    assert np.array_equal(first, _tree_sample(rows, n_sample, 1234567, "generator"))
    assert np.array_equal(first, _tree_sample(rows, n_sample, 7654321, "generator")) == (n_sample == rows)


def test_the_tree_sample_is_a_model_setting_and_an_old_record_refits_as_scikit_learn():
    """[model] tree_sample names how the trees' rows are drawn and goes into the model record with the forest's other
    settings; a record written before the setting (no tree_sample) is refitted with scikit-learn's draw, as it was
    fitted; an unknown draw is refused."""
    from pipelines.scoring.model import FOREST_DEFAULTS, fit_forest, params_of, unusualness

    assert params_of(load_config())["tree_sample"] == "generator" == FOREST_DEFAULTS["tree_sample"]
    rng = np.random.default_rng(3)
    x = np.where(rng.random((5000, 7)) < 0.1, rng.exponential(1.0, (5000, 7)), 0.0)
    old = {"n_estimators": 20, "max_samples": 1024, "random_state": 20261122}
    assert np.array_equal(unusualness(fit_forest(x, old), x),
                          unusualness(fit_forest(x, {**old, "tree_sample": "scikit-learn"}), x))
    assert not np.array_equal(unusualness(fit_forest(x, old), x),
                              unusualness(fit_forest(x, {**old, "tree_sample": "generator"}), x))
    with pytest.raises(ValueError, match="tree_sample"):
        params_of({"model": {"tree_sample": "bootstrap"}})
    with pytest.raises(ValueError, match="tree_sample"):
        fit_forest(x, {**old, "tree_sample": "bootstrap"})


@pytest.mark.parametrize("rows, max_samples", [(5000, 1024), (20000, 64), (102400, 1024), (300, 1024)])
def test_the_forest_is_scikit_learns_isolation_forest_tree_for_tree(rows, max_samples):
    """With tree_sample = "scikit-learn" (and in a model record without the setting) the forest
    (model.IsolationTrees) draws each tree's sample as scikit-learn's bagging does and fits the tree on its sample's rows
    alone, without scikit-learn's bagging: the trees and their scores are scikit-learn's own, whether the sample
    is a small share of the rows (drawn one row at a time by scikit-learn: 64 of 20,000, and 1,024 of 102,400, on
    the edge of 1 %), a larger share (a permutation) or all of them."""
    from sklearn.ensemble import IsolationForest

    from pipelines.scoring.model import fit_forest, unusualness

    rng = np.random.default_rng(rows)
    x = np.where(rng.random((rows, 7)) < 0.1, rng.exponential(1.0, (rows, 7)), 0.0).astype(np.float32)
    params = {"n_estimators": 40, "max_samples": max_samples, "random_state": 20261122, "tree_sample": "scikit-learn"}
    ours = fit_forest(x, params)
    theirs = IsolationForest(n_estimators=40, max_samples=min(max_samples, rows), random_state=20261122).fit(x)
    for a, b in zip(ours.estimators_, theirs.estimators_, strict=True):
        for part in ("feature", "threshold", "children_left", "children_right", "n_node_samples"):
            assert np.array_equal(getattr(a.tree_, part), getattr(b.tree_, part)), part
    assert np.array_equal(unusualness(ours, x), -theirs.score_samples(x))


def test_the_model_record_can_reproduce_the_scores(toy):
    from pipelines.scoring import build_features
    from pipelines.scoring.evidence import EvidenceModel
    from pipelines.scoring.features import model_features
    from pipelines.scoring.model import evidence_matrix, fingerprint, fit_forest, ranking_score, unusualness

    score(toy, load_config())
    features, params, data_print, versions, blob, t_from, t_to = toy.execute(
        "SELECT features, params, data_fingerprint, library_versions, model_blob, training_from, training_to "
        "FROM models").fetchone()
    features, params, versions = json.loads(features), json.loads(params), json.loads(versions)
    assert params["flag_score"] == load_config()["model"]["flag_score"]
    assert {"feedback", "warm_up", "case_gap_days", "model"} <= set(params)
    assert {"scikit-learn", "numpy", "duckdb"} <= set(versions)
    assert (str(t_from), str(t_to)) == ("2026-03-02", "2026-03-27")
    frame = build_features(toy, load_config())
    assert features == model_features(toy)
    record = pickle.loads(blob)
    spec, forest = record["model"], record["forest"]
    assert forest == params["forest"] and forest["input"] in ("aspects", "aspects+sum")
    assert forest["tree_sample"] == load_config()["model"]["tree_sample"]
    assert record["ranking"] == params["ranking"]
    model = EvidenceModel(spec["aspects"], spec["weights"], frozenset(spec["own"]), spec["flag_score"])
    contrib = model.contributions(frame)
    assert fingerprint(contrib) == data_print
    x = evidence_matrix(contrib, forest["input"])
    refitted = ranking_score(record["ranking"], contrib.sum(axis=1), unusualness(fit_forest(x, forest), x))
    stored = toy.execute("SELECT score FROM scores ORDER BY staff_id, day").fetchall()
    assert np.allclose(refitted, [s for (s,) in stored])


def test_the_evidence_order_takes_the_forests_scores_rank_for_rank():
    """ranking = "evidence": the day with the k-th most evidence gets the forest's k-th highest score, so the
    order is the evidence's and the values are the forest's (flag_score keeps its meaning)."""
    from pipelines.scoring.model import on_forest_scale

    total = np.array([0.0, 5.2, 1.1, 9.0, 3.3])
    forest = np.array([0.71, 0.40, 0.55, 0.48, 0.62])
    out = on_forest_scale(total, forest)
    assert out.tolist() == [0.40, 0.62, 0.48, 0.71, 0.55]
    assert sorted(out) == sorted(forest)                       # the same scale: only the order moves
    assert on_forest_scale(np.zeros(0), np.zeros(0)).shape == (0,)


def test_days_with_the_same_evidence_share_the_best_score_of_their_ranks():
    """Three ordinary days with no evidence are the same day to the ranking: none of them sorts below another,
    each gets the highest forest score among the three lowest."""
    from pipelines.scoring.model import on_forest_scale

    out = on_forest_scale(np.array([0.0, 0.0, 4.0, 0.0]), np.array([0.52, 0.50, 0.80, 0.51]))
    assert out.tolist() == [0.52, 0.52, 0.80, 0.52]


def test_the_blend_weighs_the_forests_order_and_the_evidence_order_equally():
    """ranking = "blend": the mean of each day's two ranks (ties share their mean rank), put on the forest's
    scale. A day first by both stays first; a day one order puts high and the other low lands between."""
    from pipelines.scoring.model import mean_rank, ranking_score

    total = np.array([9.0, 0.0, 2.0, 0.0])          # evidence: day 0 most, days 1 and 3 tied at none
    forest = np.array([0.80, 0.75, 0.50, 0.55])      # forest: day 0 most isolated, day 2 least
    assert mean_rank(total, forest).tolist() == [4.0, 2.25, 2.0, 1.75]
    blend = ranking_score("blend", total, forest)
    assert blend.tolist() == [0.80, 0.75, 0.55, 0.50]
    assert sorted(blend) == sorted(forest)
    assert ranking_score("forest", total, forest).tolist() == forest.tolist()
    assert ranking_score("blend", np.zeros(0), np.zeros(0)).shape == (0,)


def test_an_unknown_ranking_is_refused():
    from pipelines.scoring.model import ranking_of

    assert ranking_of({"model": {"ranking": "forest"}}) == "forest"
    with pytest.raises(ValueError, match="ranking"):
        ranking_of({"model": {"ranking": "loudest"}})


def test_a_flagged_day_is_explained_in_finnish_and_english(toy):
    score(toy, load_config())
    fi, en, drivers = toy.execute("SELECT explanation_fi, explanation_en, drivers FROM scores WHERE rank = 1").fetchone()
    drivers = json.loads(drivers)
    assert {d["aspect"] for d in drivers} >= {"uninvolved", "protected"}
    assert {"aspect", "feature", "value", "peer_median", "contribution"} <= set(drivers[0])
    assert "45 clients outside their caseload" in en
    assert "45 asiakasta oman asiakasmäärän ulkopuolelta" in fi
    assert "opened 3 protected clients without personal involvement" in en
    assert all(d["contribution"] > 0 for d in drivers)
    unflagged = toy.execute("SELECT count(*) FROM scores WHERE NOT flagged AND explanation_en IS NOT NULL").fetchone()
    assert unflagged == (0,)


def test_flagged_days_become_model_findings_with_all_that_days_events(toy):
    score(toy, load_config())
    staff, day = ANOMALY
    fid = _finding_id(staff, day)
    row = toy.execute("SELECT rule_id, category, severity, staff_id, event_date, event_count, unit_id, "
                      "evidence->>'$.explanation_en' FROM findings WHERE finding_id = ?", [fid]).fetchone()
    assert row[:5] == ("model_anomaly", "model", "high", staff, day)
    assert row[6] == "U1"
    assert row[7].startswith("On 19 March 2026 ") and "opened 45 clients outside their caseload" in row[7]
    events = toy.execute("SELECT count(*), count(DISTINCT source_system) FROM finding_events WHERE finding_id = ?",
                         [fid]).fetchone()
    expected = toy.execute("SELECT count(*) FROM events e JOIN ref_accounts a USING (source_system, account) "
                           "WHERE a.staff_id = ? AND e.event_date = ?", [staff, day]).fetchone()[0]
    assert events == (expected, 2) and row[5] == expected
    n_flagged = toy.execute("SELECT count(*) FROM scores WHERE flagged").fetchone()[0]
    assert toy.execute("SELECT count(*) FROM findings WHERE rule_id = 'model_anomaly'").fetchone()[0] == n_flagged


def test_rescoring_replaces_model_findings_but_keeps_their_ids_and_first_seen(toy):
    toy.execute("INSERT INTO findings (finding_id, rule_id, category, severity, finding_key, event_count, "
                "first_seen_at, last_checked_at) VALUES ('other', 'self_access', 'self', 'high', 'k', 1, now(), now())")
    score(toy, load_config())
    before = toy.execute("SELECT finding_id, first_seen_at FROM findings WHERE rule_id = 'model_anomaly' "
                         "ORDER BY 1").fetchall()
    n_events = toy.execute("SELECT count(*) FROM finding_events").fetchone()[0]
    score(toy, load_config())
    after = toy.execute("SELECT finding_id, first_seen_at FROM findings WHERE rule_id = 'model_anomaly' "
                        "ORDER BY 1").fetchall()
    assert before == after
    assert toy.execute("SELECT count(*) FROM finding_events").fetchone()[0] == n_events
    assert toy.execute("SELECT count(*) FROM findings WHERE finding_id = 'other'").fetchone()[0] == 1


def test_an_empty_store_scores_nothing(store_con):
    summary = score(store_con, load_config())
    assert summary["user_days"] == 0
    assert store_con.execute("SELECT count(*) FROM scores").fetchone()[0] == 0


def test_the_model_rule_has_titles_and_a_legal_basis():
    meta = model_rule_metadata()
    assert meta["id"] == "model_anomaly" and meta["category"] == "model"
    assert meta["title_fi"] and meta["title_en"] and "703/2023" in meta["legal_basis"]


def _labels(tmp_path, rows, violations=()):
    pl.DataFrame(rows, schema=["staff_id", "date", "scenario"], orient="row").write_csv(tmp_path / "anomalies.csv")
    pl.DataFrame(list(violations) or [["x", "x", "r", "near_miss"]],
                 schema=["source_system", "source_event_id", "rule_id", "kind"], orient="row"
                 ).write_csv(tmp_path / "event_labels.csv")
    return tmp_path


def test_evaluation_compares_the_model_with_both_baselines(toy, tmp_path):
    staff, day = ANOMALY
    labels = _labels(tmp_path, [[staff, str(day), "evening_browsing"]])
    result = evaluate_model(toy, labels, load_config())
    for block in (result["model"], result["baselines"]["zscore"], result["baselines"]["raw_isolation_forest"]):
        assert {"roc_auc", "precision_at_n", "flagged_recall", "legitimate_flag_share", "by_kind", "n_user_days",
                "n_anomalies"} <= set(block)
        assert block["n_anomalies"] == 1
        assert block["flagged"] == result["model"]["flagged"]   # every method flags as many days
        assert set(block["by_kind"]) == {"evening_browsing"}
    assert result["model"]["roc_auc"] == 1.0
    assert result["model"]["precision_at_n"] == 1.0 and result["model"]["flagged_recall"] == 1.0
    assert result["model"]["by_scenario"]["evening_browsing"] == {"planted": 1, "in_top_50": 1}


def test_user_days_with_rule_violations_are_left_out_of_the_negatives(toy, tmp_path):
    staff, day = ANOMALY
    event_id = toy.execute("SELECT source_event_id FROM events WHERE account = 's07' ORDER BY record_no LIMIT 1"
                           ).fetchone()[0]
    labels = _labels(tmp_path, [[staff, str(day), "evening_browsing"]],
                     [["pegasos", event_id, "involvement_missing", "violation"]])
    result = evaluate_model(toy, labels, load_config())
    n_all = toy.execute("SELECT count(DISTINCT (a.staff_id, e.event_date)) FROM events e "
                        "JOIN ref_accounts a USING (source_system, account)").fetchone()[0]
    assert result["excluded_rule_violation_user_days"] == 1
    assert result["model"]["n_user_days"] == n_all - 1


def test_legitimate_days_count_against_a_method_that_flags_them(toy, tmp_path):
    staff, day = ANOMALY
    labels = _labels(tmp_path, [])
    pl.DataFrame([[staff, str(day), "covering_colleague"]], schema=["staff_id", "date", "kind"], orient="row"
                 ).write_csv(tmp_path / "legitimate_days.csv")
    result = evaluate_model(toy, labels, load_config())
    assert result["model"]["legitimate_flag_share"] == 1.0   # its one flag is on the day labelled legitimate
    assert result["legitimate_by_kind"] == {"covering_colleague": 1}


def test_the_score_command_reports_and_publishes(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.store import connect

    store = tmp_path / "cli.duckdb"
    con = connect(store)
    load_toy_county(con)
    con.close()
    result = CliRunner().invoke(app, ["--store", str(store), "score"])
    assert result.exit_code == 0, result.output
    assert "user-days scored" in result.output
    assert (tmp_path / "cli.published.duckdb").exists()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    from pipelines import SAMPLES_DIR

    small = SAMPLES_DIR / "small"
    if not (small / "labels" / "anomalies.csv").exists():
        pytest.skip("data_samples/small has not been generated")
    from pipelines.errors import InputError
    from pipelines.ingest.engine import ingest_file
    from pipelines.reference import import_reference
    from pipelines.store import connect

    con = connect(tmp_path_factory.mktemp("small") / "small.duckdb")
    import_reference(con, small / "reference")
    for path in sorted(p for p in (small / "events").rglob("*") if p.is_file()):
        try:
            ingest_file(con, path, config=load_config())
        except InputError:
            pass  # a file no adapter reads yet is the ingest's concern, not the model's
    yield con
    con.close()


def test_on_the_small_county_the_model_finds_the_planted_anomalies_and_beats_the_baselines(small_store):
    """Three months only: the own yardstick (t-90 ... t-29) barely exists and the 28-day windows fill up only in
    the second month, so this is the model at its weakest; the figures for a year's county are in
    docs/anomaly-model.md. The kinds that show within one day must be found; slow snooping (44 % of the planted
    days here: one or two extra clients a day, the first snooper starting in the data's first week, before any
    window or yardstick exists) must rank above ordinary days, though a three-month store cannot yet flag it."""
    from pipelines import SAMPLES_DIR

    labels = SAMPLES_DIR / "small" / "labels"
    result = evaluate_model(small_store, labels, load_config())
    model, baselines = result["model"], result["baselines"]
    planted = {(r["staff_id"], r["date"]) for r in pl.read_csv(labels / "anomalies.csv", infer_schema=False).to_dicts()}
    assert model["n_anomalies"] == len(planted) >= 50
    assert model["roc_auc"] >= 0.95
    assert model["legitimate_flag_share"] <= 0.02
    for kind, block in model["by_kind"].items():
        if kind == "slow_snooping":
            assert block["roc_auc"] >= 0.9, kind
        else:
            assert block["roc_auc"] >= 0.99 and block["flagged_recall"] >= 0.5, kind
    assert set(baselines) == {"zscore", "raw_isolation_forest"}
    for name, baseline in baselines.items():
        assert baseline["n_anomalies"] == model["n_anomalies"] and baseline["n_user_days"] == model["n_user_days"]
        assert model["precision_at_n"] >= baseline["precision_at_n"] + 0.05, name
        assert model["roc_auc"] >= baseline["roc_auc"], name
