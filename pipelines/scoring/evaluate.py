"""How well the anomaly model finds the synthetic county's planted behavioural anomalies, against baselines.

evaluate_model(con, labels_dir, config) scores every user-day (staff member and Helsinki day) three ways
in the same run and compares them on `labels/anomalies.csv` (staff_id, date, scenario):

- **model**: what `lokivahti score` does (the evidence score over peer-, day- and history-normalised features,
  evidence.py; with review feedback when given);
- **zscore** baseline: a user-day's distinct clients as a z-score within its peer group (mean, std);
- **raw_isolation_forest** baseline: the same forest settings on plain daily counts, not normalised.

Positives are the planted user-days. Negatives are all other user-days, **except** those containing any
event labelled in `labels/event_labels.csv`: a rule violation (catching it is the rules' job, and a
rule-breaking day that the model also ranks high is not a model false positive) or a rule's near miss (a day
built at a rule's threshold, such as 39 clients browsed in 50 minutes against a limit of 40: unusual by
construction, so ranking it high is no false alarm on ordinary work either).
`labels/legitimate_days.csv` (staff_id, date, kind), when present, names heavy or unusual days that are ordinary
work (a substitute's day, a whole unit on a holiday or an evening shift, a round-the-clock unit's night): they
are negatives, and the share of each method's flags that land on them is reported. The labels are read only
here, never by features or scoring.

For every method, overall and per planted kind (the kind's days against all negatives):
roc_auc; precision_at_n (hits among the N highest, N = the number planted); flagged_recall (share of the
planted days in the flagged set: the model's flagged days, and for each baseline as many of its highest
days); legitimate_flag_share (share of the flagged set on labelled legitimate days).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from ..sqlfiles import run_file
from .features import build_features, model_features
from .model import fit_forest, params_of, unusualness
from .run import fit_and_rank
from .triage import Feedback

TOP_K = 50
# The raw-forest baseline's plain daily counts (no peers, no history, no windows).
PLAIN_COUNTS = ["events", "clients", "new_clients", "clients_without_involvement", "out_of_hours_clients",
                "protected_clients", "prints_exports", "client_units", "systems"]


def _labels(labels_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    anomalies = pl.read_csv(labels_dir / "anomalies.csv", infer_schema=False).select(
        pl.col("staff_id"), pl.col("date").str.to_date().alias("day"), pl.col("scenario"))
    events_path = labels_dir / "event_labels.csv"
    if events_path.exists():
        event_labels = pl.read_csv(events_path, infer_schema=False).select(
            "source_system", "source_event_id").unique()
    else:
        event_labels = pl.DataFrame(schema={"source_system": pl.Utf8, "source_event_id": pl.Utf8})
    legit_path = labels_dir / "legitimate_days.csv"
    if legit_path.exists():
        legit = pl.read_csv(legit_path, infer_schema=False).select(
            "staff_id", pl.col("date").str.to_date().alias("day"), pl.col("kind").alias("legitimate"))
        legit = legit.unique(["staff_id", "day"], keep="first")
    else:
        legit = pl.DataFrame(schema={"staff_id": pl.Utf8, "day": pl.Date, "legitimate": pl.Utf8})
    return anomalies, event_labels, legit


def _violation_user_days(con: duckdb.DuckDBPyConnection, event_labels: pl.DataFrame) -> pl.DataFrame:
    """(staff_id, day) of every labelled rule-violation or near-miss event (needs feature_account_staff)."""
    con.register("eval_violation_events", event_labels.to_arrow())
    try:
        rows = run_file(con, "features/violation_user_days.sql"        ).fetchall()
    finally:
        con.unregister("eval_violation_events")
    return pl.DataFrame(rows, schema={"staff_id": pl.Utf8, "day": pl.Date}, orient="row")


def _order(score: np.ndarray, keys: pl.DataFrame | None) -> np.ndarray:
    n = len(score)
    if keys is None:
        return np.argsort(-score, kind="stable")
    return (keys.with_columns(pl.Series("_s", score), pl.Series("_i", np.arange(n)))
            .sort(["_s", "staff_id", "day"], descending=[True, False, False])["_i"].to_numpy())


def metrics(y: np.ndarray, score: np.ndarray, order_keys: pl.DataFrame | None = None, k: int = TOP_K,
            flagged: np.ndarray | None = None, legitimate: np.ndarray | None = None) -> dict:
    """roc_auc, precision_at_n (R-precision: hits among the n_anomalies highest), precision_at_50,
    recall_at_50, n_user_days, n_anomalies; with `flagged` (bool per row) flagged_recall and flagged count;
    with `legitimate` too, legitimate_flag_share. Ties in the score are broken by (staff_id, day)."""
    n, n_pos = len(y), int(y.sum())
    auc = float(roc_auc_score(y, score)) if 0 < n_pos < n else None
    order = _order(score, order_keys)
    top = order[:min(k, n)]
    out = {
        "roc_auc": _r(auc),
        "precision_at_n": _r(float(y[order[:n_pos]].sum() / n_pos)) if n_pos else None,
        "precision_at_50": _r(float(y[top].sum() / len(top))) if len(top) else None,
        "recall_at_50": _r(float(y[top].sum() / n_pos)) if n_pos else None,
        "n_user_days": n, "n_anomalies": n_pos,
    }
    out["precision_at_n_anomalies"] = out["precision_at_n"]
    if flagged is not None:
        out["flagged"] = int(flagged.sum())
        out["flagged_recall"] = _r(float((flagged & (y == 1)).sum() / n_pos)) if n_pos else None
        if legitimate is not None:
            out["legitimate_flag_share"] = _r(float((flagged & legitimate).sum() / max(1, flagged.sum())))
            out["legitimate_days"] = int(legitimate.sum())
            out["legitimate_days_flagged"] = int((flagged & legitimate).sum())
    return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def zscore_baseline(frame: pl.DataFrame) -> np.ndarray:
    """Distinct clients of the day as a z-score within the peer group (mean and standard deviation)."""
    z = frame.select(((pl.col("clients") - pl.col("clients").mean().over("peer_group"))
                      / pl.col("clients").std().over("peer_group")).fill_nan(0.0).fill_null(0.0))
    return z.to_series().to_numpy().astype(np.float64)


def raw_forest_baseline(frame: pl.DataFrame, config: dict) -> np.ndarray:
    """The same isolation forest settings on plain daily counts (not normalised, no windows)."""
    columns = [c for c in PLAIN_COUNTS if c in frame.columns]
    x = np.ascontiguousarray(frame.select(columns).fill_null(0.0).to_numpy().astype(np.float64))
    return unusualness(fit_forest(x, params_of(config)), x)


def _top(score: np.ndarray, keys: pl.DataFrame, n_flag: int) -> np.ndarray:
    flagged = np.zeros(len(score), dtype=bool)
    flagged[_order(score, keys)[:n_flag]] = True
    return flagged


def evaluate_model(con: duckdb.DuckDBPyConnection, labels_dir, config: dict, feedback: Feedback | None = None) -> dict:
    """{"model": {...}, "baselines": {"zscore": {...}, "raw_isolation_forest": {...}}, ...} on the planted
    anomalies (see the module docstring); every method's block has the overall figures and `by_kind`."""
    labels_dir = Path(labels_dir)
    anomalies, event_labels, legit = _labels(labels_dir)
    frame = build_features(con, config)
    features = model_features(con)
    _model, _contrib, ranked = fit_and_rank(frame, con, config, feedback)
    scored = frame.with_columns(
        pl.Series("zscore", zscore_baseline(frame)),
        pl.Series("raw_forest", raw_forest_baseline(frame, config)),
    ).join(ranked.select("staff_id", "day", "score", "flagged"), on=["staff_id", "day"])
    planted = anomalies.unique(["staff_id", "day"], keep="first").with_columns(pl.lit(True).alias("planted"))
    violations = _violation_user_days(con, event_labels).with_columns(pl.lit(True).alias("rule_violation"))
    scored = (scored.join(planted, on=["staff_id", "day"], how="left")
              .join(violations, on=["staff_id", "day"], how="left")
              .join(legit, on=["staff_id", "day"], how="left")
              .with_columns(pl.col("planted").fill_null(False), pl.col("rule_violation").fill_null(False)))
    kept = scored.filter(pl.col("planted") | ~pl.col("rule_violation")).sort(["staff_id", "day"])
    y = kept["planted"].to_numpy().astype(int)
    keys = kept.select("staff_id", "day")
    legitimate = (kept["legitimate"].is_not_null() & ~kept["planted"]).to_numpy()
    n_flag = int(kept["flagged"].sum()) if kept.height else 0
    methods = {"model": kept["score"].to_numpy(), "zscore": kept["zscore"].to_numpy(),
               "raw_isolation_forest": kept["raw_forest"].to_numpy()}
    blocks = {}
    for name, s in methods.items():
        flagged = kept["flagged"].to_numpy() if name == "model" else _top(s, keys, n_flag)
        block = metrics(y, s, keys, flagged=flagged, legitimate=legitimate)
        by_kind = {}
        for kind in sorted(set(kept["scenario"].drop_nulls().to_list())):
            mask = ((kept["scenario"] == kind).fill_null(False) | ~kept["planted"]).to_numpy()
            by_kind[kind] = metrics(y[mask], s[mask], keys.filter(pl.Series(mask)), flagged=flagged[mask])
            by_kind[kind] = {k: by_kind[kind][k] for k in ("n_anomalies", "roc_auc", "precision_at_n",
                                                           "flagged_recall")}
        block["by_kind"] = by_kind
        blocks[name] = block
    found = planted.join(frame.select("staff_id", "day"), on=["staff_id", "day"], how="semi").height
    best_baseline = max((blocks[b]["precision_at_n"] or 0) for b in ("zscore", "raw_isolation_forest"))
    result = {
        "model": blocks["model"],
        "baselines": {"zscore": blocks["zscore"], "raw_isolation_forest": blocks["raw_isolation_forest"]},
        "planted_user_days": planted.height,
        "planted_without_events": planted.height - found,
        "excluded_rule_violation_user_days": int((scored["rule_violation"] & ~scored["planted"]).sum()),
        "legitimate_by_kind": {k: int(n) for k, n in kept.filter(pl.col("legitimate").is_not_null())
                               .group_by("legitimate").len().sort("legitimate").iter_rows()},
        "precision_at_n_over_best_baseline": _r((blocks["model"]["precision_at_n"] or 0) - best_baseline),
        "flagged_per_method": n_flag,
        "flag_score": _model.flag_score,
        "features": features,
    }
    # the run's context inside the model's block too (the CLI report keeps the model and baseline blocks)
    for key in ("precision_at_n_over_best_baseline", "legitimate_by_kind", "excluded_rule_violation_user_days",
                "flag_score"):
        blocks["model"][key] = result[key]
    # kept for readers of the earlier report: planted and in the model's top 50 per kind
    top = set(kept.sort(["score", "staff_id", "day"], descending=[True, False, False]).head(TOP_K)
              .select(pl.concat_str("staff_id", pl.col("day").cast(pl.Utf8), separator="|")).to_series().to_list())
    by_scenario = {}
    for scenario, group in anomalies.group_by("scenario"):
        keys_s = set(group.select(pl.concat_str("staff_id", pl.col("day").cast(pl.Utf8), separator="|"))
                     .to_series().to_list())
        by_scenario[scenario[0]] = {"planted": len(keys_s), "in_top_50": len(keys_s & top)}
    result["model"]["by_scenario"] = dict(sorted(by_scenario.items()))
    return result
