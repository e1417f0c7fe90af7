"""Evaluation of the catalogue against the generator's labels (docs/rules.md §Labels).

Per rule: tp, fp, fn, precision, recall — event rules at event level (an event is flagged by rule R if it
is in any finding of R), key rules at key level (finding_key against key_labels.csv). Per category the
counts are summed. The explained share is the share of legitimate accesses (access events no label marks
as a violation) that have an explanation and are in no rule finding (model_anomaly findings are leads, not
verdicts, and attach every event of a day): sql/findings/explained_share.sql. The anomaly model's own evaluation
is pipelines.scoring.evaluate_model; `lokivahti evaluate` puts the two side by side.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..errors import InputError
from ..sqlfiles import frame, steps
from .catalogue import load_catalogue
from .runner import explained_share

_EVENT_LABELS = {"source_system": pl.Utf8, "source_event_id": pl.Utf8, "rule_id": pl.Utf8, "kind": pl.Utf8}
_KEY_LABELS = {"rule_id": pl.Utf8, "key": pl.Utf8}


def _read_labels(labels_dir: Path, name: str, schema: dict) -> pl.DataFrame:
    path = labels_dir / name
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing required column '{missing[0]}'", line=1, field=missing[0])
    return frame.select(list(schema))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _scores(tp: int, fp: int, fn: int) -> dict:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}


def evaluate_rules(con, labels_dir: Path) -> dict:
    labels_dir = Path(labels_dir)
    if not labels_dir.is_dir():
        raise InputError(labels_dir, "not a folder of label files")
    labels = _read_labels(labels_dir, "event_labels.csv", _EVENT_LABELS)
    key_labels = _read_labels(labels_dir, "key_labels.csv", _KEY_LABELS)
    sql = dict(steps("checks/_evaluate.sql"))
    flagged = frame(con, sql["flagged_events"])
    flagged_keys = frame(con, sql["flagged_keys"])
    rules, categories = {}, {}
    for rule in load_catalogue():
        if rule.level == "key":
            got = set(flagged_keys.filter(pl.col("rule_id") == rule.id)["key"].to_list())
            want = set(key_labels.filter(pl.col("rule_id") == rule.id)["key"].to_list())
            near = set()
        else:
            got = set(flagged.filter(pl.col("rule_id") == rule.id)
                      .select("source_system", "source_event_id").iter_rows())
            mine = labels.filter(pl.col("rule_id") == rule.id)
            want = set(mine.filter(pl.col("kind") == "violation").select("source_system", "source_event_id").iter_rows())
            near = set(mine.filter(pl.col("kind") == "near_miss").select("source_system", "source_event_id").iter_rows())
        tp, fp, fn = len(got & want), len(got - want), len(want - got)
        rules[rule.id] = _scores(tp, fp, fn) | {
            "category": rule.category, "level": rule.level, "near_misses": len(near),
            "near_misses_flagged": len(got & near),
            "fp_examples": sorted("|".join(x) if isinstance(x, tuple) else x for x in got - want)[:5],
            "fn_examples": sorted("|".join(x) if isinstance(x, tuple) else x for x in want - got)[:5],
        }
        c = categories.setdefault(rule.category, {"tp": 0, "fp": 0, "fn": 0})
        c["tp"] += tp
        c["fp"] += fp
        c["fn"] += fn
    categories = {k: _scores(v["tp"], v["fp"], v["fn"]) for k, v in sorted(categories.items())}
    share = explained_share(con, labels)
    legit, explained = int(share["legitimate"].sum() or 0), int(share["explained"].sum() or 0)
    # false findings: legitimate accesses a rule flagged, per 10,000 legitimate accesses (target 0)
    con.register("labels", labels)
    try:
        false = dict(frame(con, sql["false_findings"]).iter_rows())
    finally:
        con.unregister("labels")
    for rule_id, r in rules.items():
        r["false_on_legitimate"] = int(false.get(rule_id, 0))
        r["false_per_10k_legitimate"] = round(10_000 * r["false_on_legitimate"] / legit, 3) if legit else None
    return {
        "rules": rules,
        "categories": categories,
        "explained_share": {
            "overall": _ratio(explained, legit),
            "legitimate_accesses": legit,
            "by_source": {r["source_system"]: _ratio(r["explained"], r["legitimate"]) for r in share.iter_rows(named=True)},
        },
    }

