"""An isolation forest (Liu, Ting & Zhou 2008) grown and scored in vectorised numpy.

The algorithm is the one scikit-learn's `IsolationForest` implements, with the same conventions:

- each tree is grown on `max_samples` rows drawn without replacement, down to a height limit of
  ceil(log2(max_samples)); a node of one row, or whose rows are all equal, is a leaf;
- a split draws a feature uniformly among those that are not constant in the node, and a threshold uniformly
  between the node's minimum and maximum of it; a row goes left when its value is <= the threshold;
- a row's path length in a tree is the depth of its leaf plus c(n), the average path length of an unsuccessful
  search in a binary search tree of the n training rows that reached the leaf;
- `score_samples` is -2^(-mean path length / c(max_samples)), as in scikit-learn (lower = more unusual).

Why not scikit-learn's estimator: it builds its 300 trees one Python object at a time, and that bookkeeping,
not the trees, is most of its fitting time (about half a second on any data). Here every tree of the forest is
grown one level at a time with a few array operations, and scored the same way, so fitting and scoring take a
few tens of milliseconds. The trees are stored as complete binary trees (node i has children 2i+1 and 2i+2): a
leaf above the height limit splits on +inf, so every row walks exactly `height` levels, without branching.

Deterministic: the same rows, parameters and random_state give the same trees (numpy's PCG64 stream).
"""

from __future__ import annotations

import math

import numpy as np

EULER_GAMMA = 0.5772156649015329
# Rows scored at a time: keeps the (rows x trees) working arrays in the processor's cache.
SCORE_CHUNK = 512
# Rounds of drawing a random feature for the nodes where the drawn one was constant, before the remaining
# nodes look at every feature at once.
REDRAW_ROUNDS = 6


def average_path_length(n: np.ndarray) -> np.ndarray:
    """c(n): 0 for n <= 1, 1 for n = 2, else 2 H(n - 1) - 2 (n - 1) / n, with H(i) ~ ln(i) + Euler's gamma."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    out[n == 2] = 1.0
    big = n > 2
    out[big] = 2.0 * (np.log(n[big] - 1.0) + EULER_GAMMA) - 2.0 * (n[big] - 1.0) / n[big]
    return out


class IsolationForest:
    """fit(x) then score_samples(x); see the module docstring. Attributes after fit: feature_, threshold_
    (float32) and path_ (path length of each bottom-level position), each of shape (n_estimators, nodes)."""

    def __init__(self, n_estimators: int = 300, max_samples: int = 512, random_state: int | None = None):
        self.n_estimators = int(n_estimators)
        self.max_samples = int(max_samples)
        self.random_state = random_state

    # -- growing ------------------------------------------------------------------------------------------
    def fit(self, x) -> IsolationForest:
        x = np.ascontiguousarray(x, dtype=np.float32)
        n, k = x.shape
        if n == 0:
            raise ValueError("cannot fit an isolation forest on no rows")
        rng = np.random.default_rng(self.random_state)
        psi = min(self.max_samples, n)
        height = max(1, math.ceil(math.log2(max(psi, 2))))
        trees = self.n_estimators
        self.n_features_in_, self.max_samples_, self.height_ = k, psi, height
        n_nodes = 2 ** (height + 1) - 1
        feature = np.zeros(trees * n_nodes, dtype=np.int32)
        threshold = np.full(trees * n_nodes, np.inf, dtype=np.float32)     # a leaf sends everyone left
        leaf_depth = np.full(trees * n_nodes, -1, dtype=np.int32)          # depth of the leaf a node is in
        leaf_size = np.zeros(trees * n_nodes, dtype=np.int32)

        values = x[_draw_rows(rng, n, psi, trees)].ravel()   # each tree's rows, row-major, tree by tree
        # Samples of the nodes still to split, sorted by node: where each sample's row starts in `values`,
        # and its node's number; per node (group): its index in the flat node arrays, first sample and size.
        offset = np.arange(trees * psi, dtype=np.int32) * np.int32(k)
        group = np.repeat(np.arange(trees, dtype=np.int32), psi)
        g_node = np.arange(trees, dtype=np.int64) * n_nodes
        g_size = np.full(trees, psi, dtype=np.int64)

        for depth in range(height + 1):
            g_start = np.zeros(g_size.size, dtype=np.int64)
            np.cumsum(g_size[:-1], out=g_start[1:])
            if depth == height:
                split = np.zeros(g_size.size, dtype=bool)
            else:
                f, lo, hi = _draw_features(rng, values, offset, group, g_start, g_size, k)
                split = f >= 0
            leaves = ~split
            leaf_depth[g_node[leaves]] = depth
            leaf_size[g_node[leaves]] = g_size[leaves]
            if not split.any():
                break
            thr = (lo + rng.random(g_size.size) * (hi - lo)).astype(np.float32)
            # a threshold that rounds up to the maximum would send everyone left: use the minimum instead
            thr = np.where(thr >= hi, lo, thr)
            feature[g_node[split]] = f[split]
            threshold[g_node[split]] = thr[split]
            if leaves.any():
                keep = split[group]
                offset, group = offset[keep], group[keep]
            right = values[offset + f[group]] > thr[group]
            # the children: node numbers 2 j and 2 j + 1 for the j-th split node (both are non-empty, as
            # the threshold lies in [min, max)); the stable sort keeps each child's samples in order
            j = np.cumsum(split, dtype=np.int64) - 1
            child = (2 * j[group] + right).astype(np.int32)
            order = np.argsort(child, kind="stable")
            offset, group = offset[order], child[order]
            parent = g_node[split]
            heap_base = parent - parent % n_nodes
            g_node = np.empty(2 * parent.size, dtype=np.int64)
            g_node[0::2] = 2 * parent - heap_base + 1
            g_node[1::2] = 2 * parent - heap_base + 2
            g_size = np.bincount(group, minlength=2 * parent.size)

        leaf_depth = leaf_depth.reshape(trees, n_nodes)
        leaf_size = leaf_size.reshape(trees, n_nodes)
        # a position below a leaf belongs to that leaf: walk the levels down, inheriting from the parent
        for depth in range(1, height + 1):
            child_pos = np.arange(2 ** depth - 1, 2 ** (depth + 1) - 1)
            parent_pos = (child_pos - 1) // 2
            inherit = leaf_depth[:, child_pos] < 0
            leaf_depth[:, child_pos] = np.where(inherit, leaf_depth[:, parent_pos], leaf_depth[:, child_pos])
            leaf_size[:, child_pos] = np.where(inherit, leaf_size[:, parent_pos], leaf_size[:, child_pos])
        inner = 2 ** height - 1
        self.feature_ = feature.reshape(trees, n_nodes)[:, :inner].copy()
        self.threshold_ = threshold.reshape(trees, n_nodes)[:, :inner].copy()
        self.path_ = (leaf_depth[:, inner:] + average_path_length(leaf_size[:, inner:])).astype(np.float32)
        return self

    # -- scoring ------------------------------------------------------------------------------------------
    def path_lengths(self, x) -> np.ndarray:
        """Mean path length of each row over the trees."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        n, k = x.shape
        trees, inner = self.feature_.shape
        out = np.empty(n, dtype=np.float64)
        # one gather per level: each node's feature (high 32 bits) and threshold (low 32 bits) in one word
        packed = ((self.feature_.astype(np.int64) << 32)
                  | self.threshold_.view(np.uint32).astype(np.int64)).ravel()
        path = self.path_.ravel()
        base = (np.arange(trees, dtype=np.int64) * inner)[None, :]
        step = 1 - base                                   # at -> 2 at + 1 - base (+1 to the right)
        leaf = (np.arange(trees, dtype=np.int64) * (inner + 1) - inner)[None, :]
        flat_x = x.ravel()
        for lo in range(0, n, SCORE_CHUNK):
            hi = min(n, lo + SCORE_CHUNK)
            row = (np.arange(lo, hi, dtype=np.int64) * k)[:, None]
            at = np.broadcast_to(base, (hi - lo, trees)).copy()
            for _ in range(self.height_):
                word = packed[at]
                threshold = (word & 0xFFFFFFFF).astype(np.uint32).view(np.float32)
                at = 2 * at + step + (flat_x[row + (word >> 32)] > threshold)
            out[lo:hi] = path[at - base + leaf].mean(axis=1, dtype=np.float64)
        return out

    def score_samples(self, x) -> np.ndarray:
        """-2^(-mean path length / c(max_samples)), as scikit-learn: the lower, the more unusual."""
        depth = self.path_lengths(x)
        # c(1) = 0: a forest of one row has nothing to compare with, and every path is 0 long
        norm = float(average_path_length(np.array([self.max_samples_]))[0]) or 1.0
        return -np.power(2.0, -depth / norm)


def _draw_rows(rng: np.random.Generator, n: int, psi: int, trees: int) -> np.ndarray:
    """Each tree's psi rows, drawn without replacement (all rows, in order, when psi = n)."""
    if psi == n:
        return np.tile(np.arange(n, dtype=np.int64), trees)
    return np.concatenate([rng.choice(n, psi, replace=False) for _ in range(trees)])


def _draw_features(rng, values, offset, group, g_start, g_size, k):
    """Per node: a feature drawn uniformly among those not constant in it (-1 for a node of one sample or
    of equal samples), and the node's minimum and maximum of that feature.

    A feature is drawn for every node; nodes where it is constant draw again (a few rounds, each over only
    those nodes' samples), and the few still unlucky look at every feature at once."""
    g = g_size.size
    f = rng.integers(0, k, size=g)
    f[g_size <= 1] = -1
    lo = np.zeros(g, dtype=np.float32)
    hi = np.zeros(g, dtype=np.float32)
    todo = np.flatnonzero(g_size > 1)
    sizes = g_size[todo]
    if todo.size == g:
        cur_offset, cur_group, starts = offset, group, g_start
    else:
        mask = np.repeat(g_size > 1, g_size)
        cur_offset, cur_group = offset[mask], group[mask]
        starts = _starts(sizes)
    for _ in range(REDRAW_ROUNDS):
        if todo.size == 0:
            return f, lo, hi
        v = values[cur_offset + f[cur_group]]
        mins, maxs = np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts)
        lo[todo], hi[todo] = mins, maxs
        constant = mins == maxs
        if not constant.any():
            return f, lo, hi
        mask = np.repeat(constant, sizes)
        cur_offset, cur_group = cur_offset[mask], cur_group[mask]
        todo, sizes = todo[constant], sizes[constant]
        starts = _starts(sizes)
        f[todo] = rng.integers(0, k, size=todo.size)
    # the nodes still unlucky look at every feature at once and draw among the varying ones
    v = values.reshape(-1, k)[cur_offset // k]
    mins, maxs = np.minimum.reduceat(v, starts, axis=0), np.maximum.reduceat(v, starts, axis=0)
    varying = maxs > mins
    count = varying.sum(axis=1)
    pick = np.minimum((rng.random(todo.size) * count).astype(np.int64), np.maximum(count - 1, 0))
    chosen = np.argmax(np.cumsum(varying, axis=1) > pick[:, None], axis=1)
    f[todo] = np.where(count > 0, chosen, -1)
    lo[todo] = mins[np.arange(todo.size), chosen]
    hi[todo] = maxs[np.arange(todo.size), chosen]
    return f, lo, hi


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Where each of consecutive blocks of these sizes starts."""
    out = np.zeros(sizes.size, dtype=np.int64)
    np.cumsum(sizes[:-1], out=out[1:])
    return out
