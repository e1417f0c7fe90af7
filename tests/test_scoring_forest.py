"""The vectorised isolation forest (pipelines/scoring/forest.py): the algorithm scikit-learn implements,
deterministic, and in agreement with scikit-learn's estimator on the same data."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.ensemble import IsolationForest as SklearnForest

from pipelines.scoring.forest import IsolationForest, average_path_length


def blob_with_outliers(seed: int = 3, n: int = 2000, k: int = 6, outliers: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, k))
    x[:, 3:] = np.where(rng.random((n, k - 3)) < 0.7, 0.0, x[:, 3:])   # zero-inflated, as shares and counts are
    far = rng.standard_normal((outliers, k)) + 8.0
    return np.vstack([x, far]).astype(np.float32), np.arange(n, n + outliers)


def test_average_path_length_follows_the_binary_search_tree_formula():
    got = average_path_length(np.array([0, 1, 2, 3, 256]))
    euler = 0.5772156649015329
    expected = [0.0, 0.0, 1.0, 2 * (math.log(2) + euler) - 4 / 3, 2 * (math.log(255) + euler) - 2 * 255 / 256]
    assert np.allclose(got, expected)


def test_the_same_seed_grows_the_same_trees_and_another_seed_others():
    x, _ = blob_with_outliers()
    a = IsolationForest(50, 128, random_state=11).fit(x)
    b = IsolationForest(50, 128, random_state=11).fit(x)
    c = IsolationForest(50, 128, random_state=12).fit(x)
    assert pickle.dumps(a) == pickle.dumps(b)
    assert not np.array_equal(a.threshold_, c.threshold_)
    assert np.array_equal(a.score_samples(x), pickle.loads(pickle.dumps(a)).score_samples(x))


def test_far_points_are_the_most_unusual():
    x, far = blob_with_outliers()
    scores = -IsolationForest(100, 256, random_state=1).fit(x).score_samples(x)
    assert set(np.argsort(-scores)[: len(far)]) == set(far)
    assert ((0 < scores) & (scores <= 1)).all()


def test_it_agrees_with_scikit_learns_isolation_forest():
    x, far = blob_with_outliers(seed=5)
    ours = -IsolationForest(200, 256, random_state=2).fit(x).score_samples(x)
    theirs = -SklearnForest(n_estimators=200, max_samples=256, random_state=2).fit(x).score_samples(x)
    assert spearmanr(ours, theirs).statistic > 0.9
    # the same scale: the path-length score of the same trees' distribution, not just the same order
    assert abs(float(np.median(ours)) - float(np.median(theirs))) < 0.02


def test_each_tree_is_at_most_log2_of_its_sample_deep_and_every_split_lies_inside_the_node():
    x, _ = blob_with_outliers()
    forest = IsolationForest(20, 64, random_state=4).fit(x)
    assert forest.height_ == 6
    assert forest.feature_.shape == (20, 2 ** 6 - 1) and forest.path_.shape == (20, 2 ** 6)
    inner = np.isfinite(forest.threshold_)
    assert inner[:, 0].all()                              # every root splits
    assert (forest.threshold_[inner] >= x.min()).all() and (forest.threshold_[inner] < x.max()).all()
    assert (forest.path_ >= 1).all() and (forest.path_ <= 6 + average_path_length(np.array([64]))[0]).all()


@pytest.mark.parametrize("rows", [1, 2, 7])
def test_fewer_rows_than_max_samples_and_constant_columns_are_fine(rows):
    x = np.zeros((rows, 3), dtype=np.float32)
    x[:, 0] = np.arange(rows)
    forest = IsolationForest(10, 512, random_state=0).fit(x)
    assert forest.max_samples_ == rows
    scores = forest.score_samples(x)
    assert scores.shape == (rows,) and np.isfinite(scores).all()
    assert (forest.feature_[np.isfinite(forest.threshold_)] == 0).all()   # only the varying column is split on


def test_identical_rows_are_one_leaf():
    x = np.ones((50, 4), dtype=np.float32)
    forest = IsolationForest(5, 32, random_state=0).fit(x)
    assert not np.isfinite(forest.threshold_).any()
    assert np.allclose(forest.path_, average_path_length(np.array([32]))[0])
