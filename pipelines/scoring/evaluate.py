"""How well the anomaly model finds the synthetic county's planted behavioural anomalies, against baselines.

evaluate_model(con, labels_dir, config) scores every user-day (staff member and Helsinki day) three ways
in the same run and compares them on `labels/anomalies.csv` (staff_id, date, scenario):

- **model**: the isolation forest on peer- and own-history-normalised features (what `lokivahti score` does);
- **zscore** baseline: per user-day, the largest |z| of its raw features against the global mean and std;
- **raw_isolation_forest** baseline: the same forest settings on the raw, un-normalised features.

Positives are the planted user-days. Negatives are all other user-days, **except** those containing any
event labelled as a rule violation (`labels/event_labels.csv`, kind = violation): catching those is the
rules' job, and a rule-breaking day that the model also ranks high is not a model false positive. The labels
are read only here, never by features or scoring.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from .features import build_features, model_features
from .model import fit_forest, params_of, unusualness
from .run import fit_and_rank

TOP_K = 50


def _labels(labels_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    anomalies = pl.read_csv(labels_dir / "anomalies.csv", infer_schema=False).select(
        pl.col("staff_id"), pl.col("date").str.to_date().alias("day"), pl.col("scenario"))
    events_path = labels_dir / "event_labels.csv"
    if events_path.exists():
        event_labels = pl.read_csv(events_path, infer_schema=False).filter(pl.col("kind") == "violation").select(
            "source_system", "source_event_id").unique()
    else:
        event_labels = pl.DataFrame(schema={"source_system": pl.Utf8, "source_event_id": pl.Utf8})
    return anomalies, event_labels


def _violation_user_days(con: duckdb.DuckDBPyConnection, event_labels: pl.DataFrame) -> pl.DataFrame:
    """(staff_id, day) of every labelled rule-violation event (needs feature_account_staff on con)."""
    con.register("eval_violation_events", event_labels.to_arrow())
    try:
        rows = con.execute(
            "SELECT DISTINCT a.staff_id, e.event_date AS day FROM eval_violation_events v "
            "JOIN events e ON e.source_system = v.source_system AND e.source_event_id = v.source_event_id "
            "JOIN feature_account_staff a ON a.source_system = e.source_system AND a.account = e.account"
        ).fetchall()
    finally:
        con.unregister("eval_violation_events")
    return pl.DataFrame(rows, schema={"staff_id": pl.Utf8, "day": pl.Date}, orient="row")


def metrics(y: np.ndarray, score: np.ndarray, order_keys: pl.DataFrame | None = None, k: int = TOP_K) -> dict:
    """roc_auc, precision_at_50 (hits in the 50 highest scores / 50), n_user_days, n_anomalies, and
    recall_at_50 and precision_at_n_anomalies (R-precision).

    Ties in the score are broken by (staff_id, day) when order_keys are given, as in the scores table.
    """
    n, n_pos = len(y), int(y.sum())
    auc = float(roc_auc_score(y, score)) if 0 < n_pos < n else None
    if order_keys is not None:
        order = (order_keys.with_columns(pl.Series("_s", score), pl.Series("_i", np.arange(n)))
                 .sort(["_s", "staff_id", "day"], descending=[True, False, False])["_i"].to_numpy())
    else:
        order = np.argsort(-score, kind="stable")
    top = order[:min(k, n)]
    precision = float(y[top].sum() / len(top)) if len(top) else None
    recall = float(y[top].sum() / n_pos) if n_pos else None
    # With fewer than 50 planted days precision@50 cannot reach 1; precision at n_anomalies can.
    at_n = float(y[order[:n_pos]].sum() / n_pos) if n_pos else None
    return {"roc_auc": auc, "precision_at_50": precision, "n_user_days": n, "n_anomalies": n_pos,
            "recall_at_50": recall, "precision_at_n_anomalies": at_n}


def zscore_baseline(frame: pl.DataFrame, features: list[str]) -> np.ndarray:
    """Max |z| over the raw features against the global mean and standard deviation."""
    x = frame.select(features).fill_null(0.0).to_numpy().astype(np.float64)
    std = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return np.abs(z).max(axis=1)


def raw_forest_baseline(frame: pl.DataFrame, features: list[str], config: dict) -> np.ndarray:
    """The same isolation forest settings on the raw (not peer-normalised) features."""
    x = np.ascontiguousarray(frame.select(features).fill_null(0.0).to_numpy().astype(np.float64))
    return unusualness(fit_forest(x, params_of(config)), x)


def evaluate_model(con: duckdb.DuckDBPyConnection, labels_dir, config: dict) -> dict:
    """{"model": {...}, "baselines": {"zscore": {...}, "raw_isolation_forest": {...}}, ...} on the planted
    anomalies; every block has roc_auc, precision_at_50, n_user_days, n_anomalies (see the module docstring)."""
    labels_dir = Path(labels_dir)
    anomalies, event_labels = _labels(labels_dir)
    frame = build_features(con, config)
    features = model_features(con)
    _forest, _x, ranked = fit_and_rank(frame, features, config)
    # Baselines see exactly what the model sees: every user-day, in the same order.
    scored = frame.with_columns(
        pl.Series("zscore", zscore_baseline(frame, features)),
        pl.Series("raw_forest", raw_forest_baseline(frame, features, config)),
    ).join(ranked.select("staff_id", "day", "score"), on=["staff_id", "day"])
    planted = anomalies.select("staff_id", "day").unique().with_columns(pl.lit(True).alias("planted"))
    violations = _violation_user_days(con, event_labels).with_columns(pl.lit(True).alias("rule_violation"))
    scored = (scored.join(planted, on=["staff_id", "day"], how="left")
              .join(violations, on=["staff_id", "day"], how="left")
              .with_columns(pl.col("planted").fill_null(False), pl.col("rule_violation").fill_null(False)))
    kept = scored.filter(pl.col("planted") | ~pl.col("rule_violation")).sort(["staff_id", "day"])
    y = kept["planted"].to_numpy().astype(int)
    keys = kept.select("staff_id", "day")
    found = planted.join(frame.select("staff_id", "day"), on=["staff_id", "day"], how="semi").height
    result = {
        "model": metrics(y, kept["score"].to_numpy(), keys),
        "baselines": {
            "zscore": metrics(y, kept["zscore"].to_numpy(), keys),
            "raw_isolation_forest": metrics(y, kept["raw_forest"].to_numpy(), keys),
        },
        "planted_user_days": planted.height,
        "planted_without_events": planted.height - found,
        "excluded_rule_violation_user_days": int((scored["rule_violation"] & ~scored["planted"]).sum()),
        "features": features,
    }
    by_scenario = {}
    top = set(kept.sort(["score", "staff_id", "day"], descending=[True, False, False]).head(TOP_K)
              .select(pl.concat_str("staff_id", pl.col("day").cast(pl.Utf8), separator="|")).to_series().to_list())
    for scenario, group in anomalies.group_by("scenario"):
        keys_s = set(group.select(pl.concat_str("staff_id", pl.col("day").cast(pl.Utf8), separator="|"))
                     .to_series().to_list())
        by_scenario[scenario[0]] = {"planted": len(keys_s), "in_top_50": len(keys_s & top)}
    result["model"]["by_scenario"] = dict(sorted(by_scenario.items()))
    return result
