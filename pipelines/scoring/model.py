"""The isolation forest (the raw-count baseline the model is measured against) and the model record's helpers.

The forest is scikit-learn's IsolationForest, with a fixed random_state: the same data give the same scores.
The model itself is the evidence sum of evidence.py; the record (`models`) keeps its specification, the
review feedback it used, a fingerprint of its inputs and the library versions.
"""

from __future__ import annotations

import hashlib
import platform

import numpy as np
from sklearn.ensemble import IsolationForest

FOREST_PARAMS = ("n_estimators", "max_samples", "random_state")


def params_of(config: dict) -> dict:
    model = config.get("model", {})
    defaults = {"n_estimators": 300, "max_samples": 512, "random_state": 20261122}
    return {k: model.get(k, defaults[k]) for k in FOREST_PARAMS}


def fit_forest(x: np.ndarray, params: dict) -> IsolationForest:
    """scikit-learn's IsolationForest, fitted on float32 (what its trees compare in anyway)."""
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
