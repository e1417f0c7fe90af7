"""The isolation forest over peer-normalised features: matrix, fit, score, rank, and the model record.

The forest is scikit-learn's IsolationForest: the estimator the model record names, with its library version.
Deterministic by construction: the frame is sorted by (staff_id, day) before fitting, the forest has a fixed
random_state, and ties in the score are broken by (staff_id, day). Same data and seed give the same ranks
and the same model_id.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import platform

import numpy as np
import polars as pl
from sklearn.ensemble import IsolationForest

# How far below typical a feature may count (in squashed units): quiet days are not a privacy risk.
NEGATIVE_CAP = -1.0
MODEL_PARAMS = ("n_estimators", "contamination", "max_samples", "random_state")


def model_columns(features: list[str]) -> list[str]:
    """The forest's input columns: each feature against the peer group and against the person's own history."""
    return [f"{f}_{kind}" for f in features for kind in ("peer_z", "own_z")]


def squash(z: np.ndarray) -> np.ndarray:
    """Signed log of a robust z: keeps the order, tames the tail so one huge value does not own every split.

    Less activity than one's peers is not a privacy risk, so the negative side is capped at -1: a quiet day
    should not look as unusual as a busy one.
    """
    z = np.nan_to_num(z, nan=0.0, posinf=1e6, neginf=-1e6)
    return np.sign(z) * np.log1p(np.abs(np.maximum(z, NEGATIVE_CAP)))


def matrix(frame: pl.DataFrame, columns: list[str]) -> np.ndarray:
    """The float64, C-ordered feature matrix (rows in frame order)."""
    if frame.height == 0:
        return np.zeros((0, len(columns)))
    raw = frame.select(columns).fill_null(0.0).to_numpy().astype(np.float64)
    return np.ascontiguousarray(squash(raw))


def params_of(config: dict) -> dict:
    model = config.get("model", {})
    defaults = {"n_estimators": 300, "contamination": 0.01, "max_samples": 512, "random_state": 20261122}
    return {k: model.get(k, defaults[k]) for k in MODEL_PARAMS}


def fit_forest(x: np.ndarray, params: dict) -> IsolationForest:
    """scikit-learn's IsolationForest, fitted on float32 (what its trees compare in anyway).

    `contamination` is applied by rank_scores (the top share of user-days is flagged), not by the estimator.
    The seed fixes every tree: scikit-learn draws the trees' seeds from random_state before fitting them.
    """
    forest = IsolationForest(
        n_estimators=int(params["n_estimators"]),
        max_samples=min(int(params["max_samples"]), max(len(x), 1)),
        random_state=int(params["random_state"]),
    )
    return forest.fit(np.asarray(x, dtype=np.float32))


def unusualness(forest: IsolationForest, x: np.ndarray) -> np.ndarray:
    """Higher = more unusual (the negated score_samples, which is the path-length anomaly score in (0, 1])."""
    if len(x) == 0:
        return np.zeros(0)
    return -forest.score_samples(np.ascontiguousarray(x, dtype=np.float32))


def rank_scores(keys: pl.DataFrame, scores: np.ndarray, contamination: float) -> pl.DataFrame:
    """staff_id, day, score, rank (1 = most unusual; ties by staff_id, day), flagged (top by contamination)."""
    n = keys.height
    n_flag = min(n, math.ceil(contamination * n)) if n else 0
    ranked = (
        keys.select("staff_id", "day")
        .with_columns(pl.Series("score", scores, dtype=pl.Float64))
        .sort(["score", "staff_id", "day"], descending=[True, False, False])
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int32))
    )
    return ranked.with_columns((pl.col("rank") <= n_flag).alias("flagged")).select(
        "staff_id", "day", "score", "rank", "flagged"
    )


def fingerprint(x: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(x, dtype=np.float64).tobytes()).hexdigest()


def library_versions() -> dict:
    """The versions a model record depends on (read from the installed packages' metadata: no imports)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("numpy", "polars", "duckdb", "scikit-learn"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def model_blob(forest: IsolationForest) -> tuple[str, bytes]:
    """(model_id, pickled estimator): the id is the sha256 of the pickled bytes."""
    blob = pickle.dumps(forest, protocol=4)
    return hashlib.sha256(blob).hexdigest(), blob
