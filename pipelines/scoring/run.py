"""`score(con, config)`: features -> isolation forest -> scores, model record, explanations, findings.

One call rewrites the model's outputs as a whole: the `scores` table holds the latest model's ranking only
(older model records stay in `models` for reproducibility), and model findings are replaced with stable ids.
"""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime

import duckdb
import numpy as np
import polars as pl

from ..checks.catalogue import model_members
from ..findings import open_found, store_findings
from ..sqlfiles import run_steps, transaction
from .explain import explain_rows
from .features import build_features, model_features
from .model import (
    fingerprint,
    fit_forest,
    library_versions,
    matrix,
    model_blob,
    model_columns,
    params_of,
    rank_scores,
    unusualness,
)

FINDINGS_SQL = "features/003_model_findings.sql"
# The top fifth of the flagged user-days are high severity, the rest medium.
HIGH_SEVERITY_FRACTION = 0.2


def fit_and_rank(frame: pl.DataFrame, features: list[str], config: dict):
    """(forest, matrix, ranked frame) for a feature frame: the part shared by scoring and evaluation."""
    x = matrix(frame, model_columns(features))
    params = params_of(config)
    forest = fit_forest(x, params)
    ranked = rank_scores(frame.select("staff_id", "day"), unusualness(forest, x), float(params["contamination"]))
    return forest, x, ranked


def _severity(ranked: pl.DataFrame) -> pl.DataFrame:
    n_flag = int(ranked["flagged"].sum())
    high = max(1, math.ceil(HIGH_SEVERITY_FRACTION * n_flag))
    return ranked.with_columns(
        pl.when(pl.col("rank") <= high).then(pl.lit("high")).otherwise(pl.lit("medium")).alias("severity")
    )


def _evidence(flagged: pl.DataFrame, model_id: str) -> pl.DataFrame:
    """The findings' evidence JSON: score, rank, model, peer group, drivers and both explanations."""
    rows = []
    for r in flagged.iter_rows(named=True):
        evidence = {"score": round(r["score"], 6), "rank": r["rank"], "model_id": model_id,
                    "peer_group": r["peer_group"], "drivers": json.loads(r["drivers"]),
                    "explanation_fi": r["explanation_fi"], "explanation_en": r["explanation_en"]}
        rows.append({"staff_id": r["staff_id"], "day": r["day"], "severity": r["severity"],
                     "organisation_id": r["organisation_id"], "unit_id": r["unit_id"],
                     "evidence": json.dumps(evidence, ensure_ascii=False)})
    schema = {"staff_id": pl.Utf8, "day": pl.Date, "severity": pl.Utf8, "organisation_id": pl.Utf8,
              "unit_id": pl.Utf8, "evidence": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def score(con: duckdb.DuckDBPyConnection, config: dict) -> dict:
    """Score every user-day in the store; write models, scores and model findings. Returns a summary, with
    the seconds of each phase under `phase_seconds` (features, forest, explain, write)."""
    t0 = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 4)
        return now

    frame = build_features(con, config)
    features = model_features(con)
    t = lap("features", t0)
    t_features = t - t0
    if frame.height == 0:
        return {"user_days": 0, "flagged": 0, "model_id": None, "features_seconds": t_features,
                "seconds": time.perf_counter() - t0, "phase_seconds": phases}
    forest, x, ranked = fit_and_rank(frame, features, config)
    model_id, blob = model_blob(forest)
    t = lap("forest", t)
    scored = frame.with_row_index("_row").join(ranked, on=["staff_id", "day"])
    flagged = _severity(scored.filter(pl.col("flagged")).sort("rank"))
    texts = explain_rows(forest, x[flagged["_row"].to_numpy()], flagged, features)
    scores = ranked.join(texts, on=["staff_id", "day"], how="left").with_columns(pl.lit(model_id).alias("model_id"))
    evidence = _evidence(flagged.join(texts, on=["staff_id", "day"]), model_id)
    t = lap("explain", t)
    now = datetime.now(UTC)
    params = params_of(config)
    with transaction(con):
        con.execute("DELETE FROM models WHERE model_id = ?", [model_id])
        con.execute(
            "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [model_id, now, frame["day"].min(), frame["day"].max(), json.dumps(model_columns(features)),
             json.dumps(params), fingerprint(x), json.dumps(library_versions()), blob],
        )
        con.execute("DELETE FROM scores")
        con.register("scores_new", scores.to_arrow())
        con.execute(
            "INSERT INTO scores SELECT model_id, staff_id, day, score, rank, flagged, explanation_fi, "
            "explanation_en, CAST(drivers AS JSON) FROM scores_new"
        )
        con.unregister("scores_new")
        con.register("model_flagged_new", evidence.to_arrow())
        con.execute("CREATE OR REPLACE TEMP TABLE model_flagged AS SELECT * FROM model_flagged_new")
        con.unregister("model_flagged_new")
        open_found(con)
        run_steps(con, FINDINGS_SQL)
        store_findings(con, model_members(), full=True, now=now)
    lap("write", t)
    return {
        "model_id": model_id,
        "user_days": frame.height,
        "staff": frame["staff_id"].n_unique(),
        "training_from": str(frame["day"].min()),
        "training_to": str(frame["day"].max()),
        "features": len(features),
        "flagged": flagged.height,
        "high_severity": int((flagged["severity"] == "high").sum()) if flagged.height else 0,
        "features_seconds": round(t_features, 3),
        "seconds": round(time.perf_counter() - t0, 3),
        "phase_seconds": phases,
        "score_max": float(np.max(ranked["score"].to_numpy())),
    }
