"""Run the rule catalogue over the store and write findings, finding_events, explanations, check_runs.

One pass: build the shared per-event context (sql/checks/_access_context.sql) for the dates in scope,
run every rule file as a cheap filter over it into a temp table, then replace the findings of the
re-checked dates in one transaction (finding_id = md5(rule_id || '|' || finding_key), so a finding that
persists keeps its id and its first_seen_at), and explain every remaining access event.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import holidays
import polars as pl

from ..findings import open_found, store_findings
from ..sqlfiles import bind, frame_of_file, run_file, run_steps, transaction
from .catalogue import Rule, load_catalogue
from .scope import Scope, decide_scope

log = logging.getLogger(__name__)

@dataclass
class CheckResult:
    check_run_id: int
    scope: Scope
    findings_total: int = 0
    findings_new: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    rule_seconds: dict[str, float] = field(default_factory=dict)
    context_seconds: float = 0.0
    store_seconds: float = 0.0
    seconds: float = 0.0


def check_params(config: dict) -> dict:
    """Every [checks] threshold, as named SQL parameters."""
    return {k: v for k, v in config["checks"].items() if isinstance(v, (int, float))}


@lru_cache(maxsize=32)
def finnish_holidays(first_year: int, last_year: int) -> tuple[date, ...]:
    """Finnish public holidays (the `holidays` package's calendar, incl. Midsummer and Christmas Eve)."""
    return tuple(sorted(holidays.Finland(years=list(range(first_year, last_year + 1))).keys()))


def _install_holidays(con) -> None:
    """Finnish public holidays over the years the events span (log_silent_source reads chk_holidays)."""
    lo, hi = con.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
    days = list(finnish_holidays(lo.year, hi.year)) if lo else []
    frame = pl.DataFrame({"day": days}, schema={"day": pl.Date})  # noqa: F841 (read by SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE chk_holidays AS SELECT day FROM frame")


def build_context(con, config: dict, scope_dates: list[date] | None) -> None:
    """The per-event context every rule reads; scope_dates None = all events.

    chk_scope_dates keeps the dates actually checked (in a full check, every date with events)."""
    frame = pl.DataFrame({"d": scope_dates or []}, schema={"d": pl.Date})  # noqa: F841
    con.execute("CREATE OR REPLACE TEMP TABLE chk_scope_dates AS SELECT d FROM frame")
    run_steps(con, "checks/_access_context.sql", check_params(config) | {"full": scope_dates is None})
    _install_holidays(con)


def evaluate_rules(con, config: dict, rules: list[Rule]) -> dict[str, float]:
    """Run each rule into chk_found; returns seconds per rule."""
    open_found(con)
    params = check_params(config)
    timings = {}
    for rule in rules:
        t0 = time.perf_counter()
        con.execute(
            f"INSERT INTO chk_found BY NAME SELECT $rule_id AS rule_id, q.* FROM (\n{rule.sql}\n) q",
            bind(rule.sql, params) | {"rule_id": rule.id},
        )
        timings[rule.id] = time.perf_counter() - t0
    return timings


def _store_explanations(con, scope: Scope) -> None:
    run_steps(con, "checks/explanations.sql", {"full": scope.full})


def sync_review_status(con, reviews: pl.DataFrame) -> None:
    """Copy the latest review status from the work store onto findings.status (default `new`)."""
    if reviews.is_empty():
        return
    con.register("reviews", reviews.select("finding_id", "status"))
    try:
        run_file(con, "runs/review_status.sql")
    finally:
        con.unregister("reviews")


def run_check(con, config: dict, *, force_full: bool = False, only: list[str] | None = None,
              reviews: pl.DataFrame | None = None, now: datetime | None = None) -> CheckResult:
    """Decide the scope, run the catalogue, store the results and a check_runs row."""
    t0 = time.perf_counter()
    now = now or datetime.now(UTC)
    scope = decide_scope(con, int(config["checks"]["incremental_margin_days"]), force_full=force_full)
    run_id = run_file(con, "runs/next_check_run.sql").fetchone()[0]
    result = CheckResult(run_id, scope)
    record = {"check_run_id": run_id, "started_at": now, "scope": scope.kind,
              "reference_fingerprint": scope.reference_fingerprint, "max_ingest_run_id": scope.max_ingest_run_id}
    if scope.kind == "none":
        if reviews is not None:
            sync_review_status(con, reviews)
        result.findings_total = run_file(con, "runs/check_run.sql", record | {
            "finished_at": datetime.now(UTC), "findings_new": 0}).fetchone()[0]
        return result
    rules = load_catalogue(only)
    t1 = time.perf_counter()
    build_context(con, config, None if scope.full else scope.dates)
    result.context_seconds = time.perf_counter() - t1
    result.rule_seconds = evaluate_rules(con, config, rules)
    t2 = time.perf_counter()
    with transaction(con):
        _, result.findings_new = store_findings(con, rules, full=scope.full, now=now)
        _store_explanations(con, scope)
        if reviews is not None:
            sync_review_status(con, reviews)
        result.findings_total = run_file(con, "runs/check_run.sql", record | {
            "finished_at": datetime.now(UTC), "findings_new": result.findings_new}).fetchone()[0]
    result.store_seconds = time.perf_counter() - t2
    result.per_rule = dict(run_file(con, "runs/findings_per_rule.sql").fetchall())
    result.seconds = time.perf_counter() - t0
    return result


LABEL_SCHEMA = {"source_system": pl.Utf8, "source_event_id": pl.Utf8, "rule_id": pl.Utf8, "kind": pl.Utf8}


def explained_share(con, labels: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per source system: access events, those in a rule finding, the legitimate ones, those explained, and
    the explained share. With event labels, legitimate = labelled no violation; without, in no rule finding
    (sql/findings/explained_share.sql)."""
    con.register("labels", labels if labels is not None else pl.DataFrame(schema=LABEL_SCHEMA))
    try:
        return frame_of_file(con, "findings/explained_share.sql", {"labelled": labels is not None})
    finally:
        con.unregister("labels")


def run_checks(con, *, config: dict, store_path=None, full: bool = False) -> CheckResult:
    """The check alone on an open store, without the step's duties (the benchmark times this): review status
    from the store's work store when its path is given."""
    from ..workstore import current_reviews, work_path_for

    reviews = current_reviews(work_path_for(store_path)) if store_path else None
    return run_check(con, config, force_full=full, reviews=reviews)
