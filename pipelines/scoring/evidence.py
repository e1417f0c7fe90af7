"""The anomaly model's evidence: deviations from peers and from the person's own older days, by aspect.

For each aspect (volume, clients without involvement, hours, protected clients, prints and searches, sustained
patterns) a user-day's evidence is weight * ln(1 + z), where z is the largest positive deviation among the
aspect's features (sql/features/002_peer_normalise.sql lists the features, their aspects and the weights). For
a feature compared with the person's own days, z is the smaller of the peer and the own deviation once those
older days exist: a day must be unusual for the peers *and* for the person, so a worker whose job always
differs from their peers' is not flagged every day, while the own yardstick, taken from before the recent
weeks, cannot learn a new habit. The sustained aspect is compared with peers only.

These aspect columns are what the isolation forest (model.py, run.py) is fitted over and what explains its
score: one number per aspect, so that one strong kind of evidence moves the forest and each aspect's share is a
driver of the explanation.

Review feedback (triage.py) enters openly: per person and aspect a factor (explained patterns count less), per
person a risk multiplier (confirmed violations), both written into the model record and the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl


@dataclass(frozen=True)
class EvidenceModel:
    aspects: dict[str, list[str]]           # aspect -> its features, in catalogue order
    weights: dict[str, float]               # aspect -> weight
    own: frozenset[str] = field(default_factory=frozenset)   # features also compared with the person's own days
    flag_score: float = 0.65   # the forest's anomaly score at which a day is flagged (run.py)

    @classmethod
    def from_catalogue(cls, rows: list[tuple], weights: dict[str, float], flag_score: float) -> EvidenceModel:
        """rows: (feature, floor, own, aspect, ...) of the feature catalogue."""
        aspects: dict[str, list[str]] = {a: [] for a in weights}
        for feature, _floor, _own, aspect, *_rest in rows:
            aspects.setdefault(aspect, []).append(feature)
        return cls({a: fs for a, fs in aspects.items() if fs}, dict(weights),
                   frozenset(row[0] for row in rows if row[2]), float(flag_score))

    def _feature_z_expr(self, feature: str) -> pl.Expr:
        """A feature's deviation per row: the peer deviation, or the smaller of the peer and the own deviation once
        the person's older days exist (the module docstring says why); missing values count as 0."""
        peer = pl.col(f"{feature}_peer_z").cast(pl.Float64).fill_null(0.0).fill_nan(0.0)
        if feature not in self.own:
            return peer
        own = pl.col(f"{feature}_own_z").cast(pl.Float64).fill_null(0.0).fill_nan(0.0)
        return pl.when(pl.col(f"{feature}_own_median").is_not_null()).then(pl.min_horizontal(peer, own)).otherwise(peer)

    def aspect_z(self, frame: pl.DataFrame) -> np.ndarray:
        """[row, aspect]: the aspect's largest positive deviation (0 when none is above typical). One select over
        the frame (a column per aspect), not a numpy copy of every feature's columns."""
        if frame.height == 0:
            return np.zeros((0, len(self.aspects)))
        z = frame.select([pl.max_horizontal([self._feature_z_expr(f) for f in fs]).clip(0.0, 1e6).alias(a)
                          for a, fs in self.aspects.items()])
        return z.to_numpy().astype(np.float64, copy=False)

    def contributions(self, frame: pl.DataFrame, factors: np.ndarray | None = None) -> np.ndarray:
        """[row, aspect]: weight * ln(1 + z), times the review factor of that person and aspect."""
        w = np.array([self.weights.get(a, 1.0) for a in self.aspects])
        c = np.log1p(self.aspect_z(frame)) * w
        return c * factors if factors is not None else c

    def spec(self) -> dict:
        return {"aspects": self.aspects, "weights": self.weights, "own": sorted(self.own),
                "flag_score": self.flag_score}
