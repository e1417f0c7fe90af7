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
from sklearn.tree import ExtraTreeRegressor

FOREST_PARAMS = ("n_estimators", "max_samples", "random_state", "tree_sample")
FOREST_DEFAULTS = {"n_estimators": 300, "max_samples": 1024, "random_state": 20261122, "tree_sample": "generator"}
# How each tree's max_samples rows are drawn (without replacement, from the tree's seed): "generator", numpy's
# Generator (PCG64) seeded with the tree's seed, Floyd's algorithm, a cost of the sample's size; or "scikit-learn",
# the rows scikit-learn's bagging draws (the forest is then scikit-learn's IsolationForest tree for tree), which for
# a sample above 1 % of the rows is a permutation of every row: at 69,827 user-days (the medium county) 300
# permutations of all of them, about half of the forest's fit. A model record without the setting was fitted
# with "scikit-learn" (fit_forest reads it so).
TREE_SAMPLES = ("generator", "scikit-learn")
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
    params = {k: model.get(k, FOREST_DEFAULTS[k]) for k in FOREST_PARAMS}
    if params["tree_sample"] not in TREE_SAMPLES:
        raise ValueError(f"[model] tree_sample must be one of {', '.join(TREE_SAMPLES)}, not {params['tree_sample']!r}")
    return params


def evidence_variant(config: dict) -> str:
    variant = config.get("model", {}).get("forest_input", DEFAULT_EVIDENCE)
    if variant not in EVIDENCE_VARIANTS:
        raise ValueError(f"[model] forest_input must be one of {', '.join(EVIDENCE_VARIANTS)}, not {variant!r}")
    return variant


def evidence_matrix(contrib: np.ndarray, variant: str) -> np.ndarray:
    """The forest's input: the aspect columns [row, aspect], and their sum as a last column for `aspects+sum`."""
    if variant == "aspects":
        return contrib
    total = contrib.sum(axis=1, keepdims=True)
    if variant == "aspects+sum":   # the default: no sort of every row's aspects (a tenth of a second at 0.4 M days)
        return np.hstack([contrib, total])
    ranked = -np.sort(-contrib, axis=1)
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


# scikit-learn's bound on the seeds it draws for its trees (BaseBagging: np.iinfo(np.int32).max)
_MAX_SEED = np.iinfo(np.int32).max
# Trees built or applied per batch of threads: the leaves of a batch are held until added in tree order.
_TREE_BATCH = 32


class IsolationTrees:
    """scikit-learn's IsolationForest without its per-tree machinery: tree for tree and score for score with
    tree_sample = "scikit-learn"; with "generator" (the default) the same trees, seeds and depth over samples drawn
    by numpy's Generator (`_tree_sample`).

    scikit-learn's bagging spends most of a 300-tree fit on bookkeeping around trees of 1,024 rows: each tree's
    estimator is cloned and its parameters read by introspection, validated again at every fit, and its sample is
    drawn by a Python call per row (`randint`, when the sample is at most 1 % of the rows) or a permutation of
    every row. Here each tree is scikit-learn's own ExtraTreeRegressor with the seed, depth and sample scikit-learn
    would give it (`_tree_sample` draws the same rows from the same random stream, vectorised; or, by default, its
    own draw from the tree's seed), fitted on its sample's
    rows alone; scoring reads each tree's leaves once and adds their path lengths in tree order, as scikit-learn does,
    so the sums and the scores are the same to the last bit (tests/test_scoring.py compares every tree and every score
    with scikit-learn's own forest). `estimators_` are the trees."""

    def __init__(self, estimators: list, max_samples: int):
        from sklearn.ensemble._iforest import _average_path_length

        self.estimators_ = estimators
        self.max_samples_ = max_samples
        # per tree and node: the path length of a row ending in that leaf, as scikit-learn's
        # _parallel_compute_tree_depths adds it (depth + average path length of the leaf's rows - 1)
        # (scikit-learn's _average_path_length is elementwise: called once over every tree's nodes, not once per
        # tree, whose input validation cost more than the arithmetic, about a millisecond a tree)
        counts = [tree.tree_.n_node_samples for tree in estimators]
        ends = np.cumsum([len(c) for c in counts])[:-1]
        average = np.split(_average_path_length(np.concatenate(counts)), ends) if counts else []
        self._leaf_lengths = [tree.tree_.compute_node_depths() + a - 1.0 for tree, a in zip(estimators, average)]
        self._denominator = len(estimators) * _average_path_length([max_samples])

    def scores(self, x: np.ndarray, n_jobs: int = 1) -> np.ndarray:
        """The anomaly score of each row of float32 `x` in (0, 1] (scikit-learn's -score_samples)."""
        depths = np.zeros(len(x), order="f")
        trees = [tree.tree_ for tree in self.estimators_]
        with _pool(n_jobs) as pool:
            for lo in range(0, len(trees), _TREE_BATCH):
                batch = trees[lo:lo + _TREE_BATCH]
                leaves = pool.map(lambda t: t.apply(x), batch) if pool else [t.apply(x) for t in batch]
                for k, leaf in enumerate(leaves):
                    depths += self._leaf_lengths[lo + k][leaf]
        return 2 ** (-np.divide(depths, self._denominator, out=np.ones_like(depths), where=self._denominator != 0))


def _pool(n_jobs: int):
    """Threads for the trees' Cython parts (building, applying), which run without the GIL; None for one."""
    import os
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import nullcontext

    n = (os.cpu_count() or 1) if n_jobs < 0 else max(1, n_jobs)
    return ThreadPoolExecutor(n) if n > 1 else nullcontext(None)


def _tree_sample(n_rows: int, n_sample: int, seed: int, method: str = "generator") -> np.ndarray:
    """The rows of the tree of `seed`: for "generator", n_sample distinct rows drawn by numpy's Generator seeded with
    `seed` (Floyd's algorithm; numpy shuffles the sample's positions of an index instead when there are at most
    10,000 rows or the sample is more than a fiftieth of them), in row order; for "scikit-learn", the rows
    scikit-learn's bagging gives the tree of `seed` (sklearn.utils.random.sample_without_replacement
    from a RandomState(seed), after drawing the tree's features, which takes nothing from the stream when every
    feature is used). For a sample of at most 1 % of the rows scikit-learn draws `randint(n_rows)` one call at a
    time until it has n_sample distinct rows (tracking selection); each call takes 32-bit words from the stream,
    masked to the bits of n_rows - 1, until one is below n_rows. The same words are drawn here in one call and
    the same rows kept: the first n_sample distinct accepted values, in the order drawn."""
    from sklearn.utils.random import sample_without_replacement

    if method == "generator":
        return np.sort(np.random.default_rng(seed).choice(n_rows, n_sample, replace=False, shuffle=False))
    random_state = np.random.RandomState(seed)
    if not n_sample / n_rows <= 0.01:   # scikit-learn's own permutation or reservoir
        return sample_without_replacement(n_rows, n_sample, random_state=random_state)
    mask = np.uint32((1 << (n_rows - 1).bit_length()) - 1)
    drawn = np.zeros(0, dtype=np.uint32)
    while True:
        words = random_state.randint(0, 2**32, size=2 * n_sample + 64, dtype=np.uint32) & mask
        drawn = np.concatenate([drawn, words[words < n_rows]])
        _values, first = np.unique(drawn, return_index=True)
        if len(first) >= n_sample:
            return drawn[np.sort(first)[:n_sample]].astype(np.intp)


def _fit_tree(x: np.ndarray, y: np.ndarray, seed: int, n_sample: int, max_depth: int,
              method: str = "generator") -> ExtraTreeRegressor:
    """One isolation tree as scikit-learn's bagging fits it: the estimator's random_state is the first draw of
    RandomState(seed), its rows `_tree_sample` (by `method`); fitted on those rows alone (what scikit-learn's bagging does for a
    tree that takes no sample weights: rows of weight 0 never enter a tree, and the sampled ones keep their order)."""
    from sklearn import config_context

    tree = ExtraTreeRegressor(max_features=1, splitter="random", max_depth=max_depth,
                              random_state=np.random.RandomState(seed).randint(_MAX_SEED))
    rows = _tree_sample(len(x), n_sample, seed, method)
    # the parameters are the fixed ones above: scikit-learn's per-fit validation of them is skipped
    with config_context(skip_parameter_validation=True):
        return tree.fit(x[rows], y[rows], check_input=False)


def fit_forest(x: np.ndarray, params: dict, n_jobs: int = 1) -> IsolationTrees:
    """scikit-learn's IsolationForest (IsolationTrees), fitted on float32 (what its trees compare in anyway), its
    trees built by `n_jobs` threads (each tree's seed is drawn before the work is shared out, so the trees do not
    depend on it). Seeds, labels and depth as IsolationForest.fit draws them for an integer random_state; each
    tree's rows as params["tree_sample"] says (TREE_SAMPLES; a record without it: "scikit-learn", tree for tree
    scikit-learn's forest)."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) == 0:
        raise ValueError("an isolation forest needs at least one row to fit")
    if len(x) > FIT_ROWS:
        pick = np.random.default_rng(int(params["random_state"])).choice(len(x), FIT_ROWS, replace=False)
        x = x[np.sort(pick)]
    x = np.ascontiguousarray(x)
    seed = int(params["random_state"])
    n_sample = min(int(params["max_samples"]), max(len(x), 1))
    y = np.random.RandomState(seed).uniform(size=len(x))
    seeds = np.random.RandomState(seed).randint(_MAX_SEED, size=int(params["n_estimators"]))
    depth = int(np.ceil(np.log2(max(n_sample, 2))))
    method = params.get("tree_sample", "scikit-learn")
    if method not in TREE_SAMPLES:
        raise ValueError(f"unknown tree_sample {method!r}")
    with _pool(n_jobs) as pool:
        fit = lambda s: _fit_tree(x, y, int(s), n_sample, depth, method)
        trees = list(pool.map(fit, seeds)) if pool else [fit(s) for s in seeds]
    return IsolationTrees(trees, n_sample)


def unusualness(forest: IsolationTrees, x: np.ndarray, n_jobs: int = 1) -> np.ndarray:
    """Higher = more unusual (the path-length anomaly score in (0, 1]; scikit-learn's negated score_samples).
    The same as scoring every row: the score of a row depends on the row alone."""
    if len(x) == 0:
        return np.zeros(0)
    # Most user-days carry the same evidence (no aspect above typical): each distinct row is scored once.
    # (Rows are compared as raw bytes, one key each: much cheaper than numpy's row-wise unique on a 2-D array.)
    x = np.ascontiguousarray(x, dtype=np.float32) + np.float32(0.0)   # -0.0 and 0.0: one key
    keys = x.view(np.dtype((np.void, x.dtype.itemsize * x.shape[1]))).reshape(-1)
    _, first, back = np.unique(keys, return_index=True, return_inverse=True)
    return forest.scores(np.ascontiguousarray(x[first]), n_jobs)[back.reshape(-1)]


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
