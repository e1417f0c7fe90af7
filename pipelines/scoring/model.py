"""The isolation forest that scores user-days, and the model record's helpers.

The model is scikit-learn's IsolationForest with a fixed random_state (the same data give the same scores),
fitted over the **aspect evidence** of evidence.py: per user-day one column per aspect (volume, clients
outside the caseload, hours, protected clients, prints and searches, sustained patterns), each the weighted
ln(1 + the aspect's largest peer- and own-history-normalised deviation). Six columns, most of them 0 on an
ordinary day, so one elevated aspect isolates a day in a few splits; over the thirty raw features of the
earlier forest, one elevated long-horizon feature barely shortened a path, which is how slow snooping went
unseen. The same aspect columns explain each score (their shares are the drivers).

What orders the user-days is `[model] ranking`: by default their evidence totals, put on the forest's score scale
rank for rank (`on_forest_scale`), so the forest decides how many days reach the flag score and the evidence
which; the forest's own order, or the mean of both ranks, can be chosen (measured in docs/anomaly-model.md).

The variant `aspects+sum` adds the sum of the aspect columns as a seventh column, so that the forest can also
isolate a day on its total evidence in one split; the model record names the variant in use. The same forest
settings on plain daily counts are the evaluation's baseline.
"""

from __future__ import annotations

import hashlib
import platform

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.tree import ExtraTreeRegressor

FOREST_PARAMS = ("n_estimators", "max_samples", "random_state")
FOREST_DEFAULTS = {"n_estimators": 300, "max_samples": 1024, "random_state": 20261122}
# The forest is fitted on at most this many user-days, drawn with the forest's seed: each tree sees only
# max_samples of them anyway, but scikit-learn draws every tree's sample (and builds a weight vector) over all
# the rows it is given, so the fit's time and memory would grow with the store. A county of up to ~1.5 M
# events has fewer user-days than this and is fitted on all of them.
FIT_ROWS = 131_072
# What the forest is fitted over: the aspect columns, or the aspect columns and their sum.
EVIDENCE_VARIANTS = ("aspects", "aspects+sum", "ranked+sum", "aspects+ranked")
DEFAULT_EVIDENCE = "aspects+sum"
# What orders the user-days: "evidence" (the sum of the aspect evidence, put on the forest's score scale by
# rank), "forest" (the forest's own score) or "blend" (the mean of the two ranks, on the forest's scale).
# See `ranking_score`.
RANKINGS = ("evidence", "forest", "blend")
DEFAULT_RANKING = "evidence"


def params_of(config: dict) -> dict:
    model = config.get("model", {})
    return {k: model.get(k, FOREST_DEFAULTS[k]) for k in FOREST_PARAMS}


def evidence_variant(config: dict) -> str:
    variant = config.get("model", {}).get("forest_input", DEFAULT_EVIDENCE)
    if variant not in EVIDENCE_VARIANTS:
        raise ValueError(f"[model] forest_input must be one of {', '.join(EVIDENCE_VARIANTS)}, not {variant!r}")
    return variant


def evidence_matrix(contrib: np.ndarray, variant: str) -> np.ndarray:
    """The forest's input: the aspect columns [row, aspect], and their sum as a last column for `aspects+sum`."""
    if variant == "aspects":
        return contrib
    ranked = -np.sort(-contrib, axis=1)
    total = contrib.sum(axis=1, keepdims=True)
    if variant == "aspects+sum":
        return np.hstack([contrib, total])
    if variant == "ranked+sum":
        return np.hstack([ranked, total])
    return np.hstack([contrib, ranked])


def ranking_of(config: dict) -> str:
    ranking = config.get("model", {}).get("ranking", DEFAULT_RANKING)
    if ranking not in RANKINGS:
        raise ValueError(f"[model] ranking must be one of {', '.join(RANKINGS)}, not {ranking!r}")
    return ranking


def on_forest_scale(total: np.ndarray, forest_scores: np.ndarray) -> np.ndarray:
    """Each row's evidence total replaced by the forest's score of the same rank: the k-th largest total gets
    the k-th largest forest score (tied totals the score of the highest of their ranks). The order is the
    evidence's, the scale the forest's, so [model] flag_score and max_flag_share keep their meaning.

    Why the order is the evidence's: an isolation forest scores how *rare* a combination of evidence is, not
    how much evidence a day carries. Slow snooping repeats the same modest evidence on twenty or more days of
    one person (1-3 clients outside the caseload and a long-horizon excess), a dense little cluster whose
    members the forest does not isolate early; and a day whose only unusual thing is one protected client is
    rarer, so scored higher, than a day with one protected client *and* an uninvolved access *and* a
    sustained excess. The evidence total ranks both the way the law weighs them: more of it is worse."""
    if len(total) == 0:
        return np.zeros(0)
    order = np.argsort(total, kind="stable")
    sorted_total = total[order]
    # rank of each row = position of the last equal total (ties share the highest rank)
    position = np.searchsorted(sorted_total, total, side="right") - 1
    return np.sort(np.asarray(forest_scores, dtype=np.float64))[position]


def mean_rank(*scores: np.ndarray) -> np.ndarray:
    """The mean of each row's ranks (1 = lowest) under every score, tied values sharing their mean rank: two
    orders weighed equally whatever their scales (the evidence total is unbounded, the forest's score is in
    (0, 1])."""
    if not scores or len(scores[0]) == 0:
        return np.zeros(0)
    return np.mean([_average_rank(np.asarray(s, dtype=np.float64)) for s in scores], axis=0)


def _average_rank(x: np.ndarray) -> np.ndarray:
    _values, back, counts = np.unique(x, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts          # 0-based position of each distinct value's first row
    return (first + (counts + 1) / 2.0)[back.reshape(-1)]


def ranking_score(ranking: str, total: np.ndarray, forest_scores: np.ndarray) -> np.ndarray:
    """The score that orders the user-days, always on the forest's scale: the forest's own score, the evidence
    total (`on_forest_scale`), or the mean of the forest's and the evidence's ranks put on the forest's scale."""
    if ranking == "forest":
        return np.asarray(forest_scores, dtype=np.float64)
    if ranking == "evidence":
        return on_forest_scale(total, forest_scores)
    if ranking == "blend":
        return on_forest_scale(mean_rank(total, forest_scores), forest_scores)
    raise ValueError(f"unknown ranking {ranking!r}")


def threads_of(config: dict) -> int:
    """The forest's worker threads: [store] threads (0 = one per core, joblib's -1). Its trees and scores are the
    same for any number: each tree's seed is drawn before the work is shared out."""
    return int(config.get("store", {}).get("threads", 0) or 0) or -1


class _SampledTree(ExtraTreeRegressor):
    """scikit-learn's isolation tree, fitted on its sample's rows alone. scikit-learn's bagging gives a tree whose
    fit takes sample weights all the rows, the unsampled ones weighted 0 (a weight vector and a pass over every
    row per tree: most of a 300-tree fit on the medium county's 70,000 user-days); without the parameter it
    passes the sampled rows only. The tree is the same: rows of weight 0 never enter it, and the sampled ones
    keep their order (tests/test_scoring.py compares every tree with scikit-learn's own forest)."""

    def fit(self, X, y, check_input=True):   # scikit-learn's signature, without sample_weight
        return super().fit(X, y, check_input=check_input)


class _Forest(IsolationForest):
    """scikit-learn's IsolationForest with trees fitted on their sample's rows (_SampledTree)."""

    def _get_estimator(self):
        return _SampledTree(max_features=1, splitter="random", random_state=self.random_state)


def fit_forest(x: np.ndarray, params: dict, n_jobs: int = 1) -> IsolationForest:
    """scikit-learn's IsolationForest, fitted on float32 (what its trees compare in anyway), its trees built and
    its rows scored by `n_jobs` threads (the per-tree work is mostly Python; the trees do not depend on it)."""
    forest = _Forest(
        n_estimators=int(params["n_estimators"]),
        max_samples=min(int(params["max_samples"]), max(len(x), 1)),
        random_state=int(params["random_state"]),
        n_jobs=n_jobs,
    )
    x = np.asarray(x, dtype=np.float32)
    if len(x) > FIT_ROWS:
        pick = np.random.default_rng(int(params["random_state"])).choice(len(x), FIT_ROWS, replace=False)
        x = x[np.sort(pick)]
    return forest.fit(x)


def unusualness(forest: IsolationForest, x: np.ndarray) -> np.ndarray:
    """Higher = more unusual (the negated score_samples, which is the path-length anomaly score in (0, 1]).
    The same as scoring every row: the score of a row depends on the row alone."""
    if len(x) == 0:
        return np.zeros(0)
    # Most user-days carry the same evidence (no aspect above typical): each distinct row is scored once.
    # (Rows are compared as raw bytes, one key each: much cheaper than numpy's row-wise unique on a 2-D array.)
    x = np.ascontiguousarray(x, dtype=np.float32) + np.float32(0.0)   # -0.0 and 0.0: one key
    keys = x.view(np.dtype((np.void, x.dtype.itemsize * x.shape[1]))).reshape(-1)
    _, first, back = np.unique(keys, return_index=True, return_inverse=True)
    return -forest.score_samples(x[first])[back.reshape(-1)]


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
