"""Learning from triage: the data protection officer's review decisions feed back into the next scoring.

Openly and simply, from the review status of earlier model findings (the work store's review log joined by
finding_id with the findings' evidence, which names the person, their peer group and the aspects that drove
the case):

- a case reviewed as **explained** or **false positive** halves, for that person, the weight of each aspect
  that drove it (at most twice: a quarter), and takes PEER_FACTOR off the same aspect for everyone in their
  peer group (at most three times) — the pattern was ordinary work there;
- a case reviewed as **violation confirmed** raises the person's cumulative risk: every later score of theirs is
  multiplied by 1 + RISK_STEP per confirmed case (at most RISK_MAX_CASES).

Nothing else is learnt. The adjustments are written into the model record (`models.params.feedback`) and each
adjusted day's explanation says what changed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import polars as pl

PERSON_FACTOR = 0.5
PERSON_MAX = 2
PEER_FACTOR = 0.85
PEER_MAX = 3
RISK_STEP = 0.25
RISK_MAX_CASES = 4
EXPLAINED = ("explained", "false_positive")
CONFIRMED = "violation_confirmed"


@dataclass
class Feedback:
    person: Counter = field(default_factory=Counter)   # (staff_id, aspect) -> explained cases
    peers: Counter = field(default_factory=Counter)    # (peer_group, aspect) -> explained cases
    confirmed: Counter = field(default_factory=Counter)  # staff_id -> confirmed cases

    def __bool__(self) -> bool:
        return bool(self.person or self.peers or self.confirmed)

    def record(self) -> dict:
        """What the model record keeps (staff ids and peer groups, never a personal identity code)."""
        return {
            "rules": {"person_factor": PERSON_FACTOR, "person_max": PERSON_MAX, "peer_factor": PEER_FACTOR,
                      "peer_max": PEER_MAX, "risk_step": RISK_STEP, "risk_max_cases": RISK_MAX_CASES},
            "explained_person": [{"staff_id": s, "aspect": a, "cases": n} for (s, a), n in sorted(self.person.items())],
            "explained_peer_group": [{"peer_group": g, "aspect": a, "cases": n}
                                     for (g, a), n in sorted(self.peers.items())],
            "confirmed": [{"staff_id": s, "cases": n} for s, n in sorted(self.confirmed.items())],
        }


def from_reviews(previous: pl.DataFrame, reviews: pl.DataFrame | None) -> Feedback:
    """previous: the model findings before re-scoring (finding_id, staff_id, evidence JSON); reviews: the
    latest review per finding (finding_id, status)."""
    fb = Feedback()
    if reviews is None or reviews.height == 0 or previous.height == 0:
        return fb
    joined = previous.join(reviews.select("finding_id", "status"), on="finding_id", how="inner")
    for row in joined.iter_rows(named=True):
        evidence = json.loads(row["evidence"]) if isinstance(row["evidence"], str) else (row["evidence"] or {})
        if row["status"] in EXPLAINED:
            for aspect in evidence.get("aspects", []):
                fb.person[(row["staff_id"], aspect)] += 1
                if evidence.get("peer_group"):
                    fb.peers[(evidence["peer_group"], aspect)] += 1
        elif row["status"] == CONFIRMED:
            fb.confirmed[row["staff_id"]] += 1
    return fb


def adjustments(frame: pl.DataFrame, aspects: list[str], fb: Feedback) -> tuple[np.ndarray, np.ndarray]:
    """(factors [row, aspect], risk [row]) for the feature frame's rows (all ones without feedback)."""
    n = frame.height
    factors, risk = np.ones((n, len(aspects))), np.ones(n)
    if not fb or n == 0:
        return factors, risk
    staff = frame["staff_id"].to_list()
    groups = frame["peer_group"].to_list()
    for j, aspect in enumerate(aspects):
        mine = np.array([PERSON_FACTOR ** min(fb.person.get((s, aspect), 0), PERSON_MAX) for s in staff])
        peers = np.array([PEER_FACTOR ** min(fb.peers.get((g, aspect), 0), PEER_MAX) for g in groups])
        factors[:, j] = mine * peers
    risk = np.array([1.0 + RISK_STEP * min(fb.confirmed.get(s, 0), RISK_MAX_CASES) for s in staff])
    return factors, risk
