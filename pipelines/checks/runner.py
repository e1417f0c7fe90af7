"""Run the rule catalogue over the store and write findings, finding_events, explanations, check_runs.

Partition by partition (pipelines/checks/partitions.py: runs of whole days, a bounded number of events each):
build the shared per-event context (sql/checks/_access_context.sql) for the partition's events, run every rule
of scope `events` as a cheap filter over it into a temp table, then replace the findings of the partition's
dates in one transaction (finding_id = md5(rule_id || '|' || finding_key), so a finding that persists keeps
its id and its first_seen_at) and explain every remaining access event. The rules of scope `full` read no
per-event context and run once, before the partitions (the explanations leave out the events they name); the
check_runs row is written last, so an interrupted run is simply redone by the next one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import polars as pl
from holidays.countries.finland import Finland  # the one country, not the whole registry (0.12 s a step)

from ..findings import open_found, store_findings
from ..resources import apply_limits
from ..snapshot import family_state, journal_days, journal_record
from ..sqlfiles import bind, frame, frame_of_file, run_file, statement, steps, transaction
from . import partitions
from .catalogue import Rule, load_catalogue
from .reference_changes import remember_reference
from .scope import Scope, decide_scope
from .summaries import ensure_summaries

log = logging.getLogger(__name__)

_FILE = "checks/_runner.sql"

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
    partitions: int = 0
    events_checked: int = 0
    previous_check_run_id: int | None = None  # the run before this one: whose results the client copy may hold
    shares: pl.DataFrame | None = None  # the explained share of the events this run examined, per source system


def check_params(config: dict) -> dict:
    """Every [checks] threshold, as named SQL parameters."""
    return {k: v for k, v in config["checks"].items() if isinstance(v, (int, float))}


@lru_cache(maxsize=32)
def finnish_holidays(first_year: int, last_year: int) -> tuple[date, ...]:
    """Finnish public holidays (the `holidays` package's calendar, incl. Midsummer and Christmas Eve)."""
    return tuple(sorted(Finland(years=list(range(first_year, last_year + 1))).keys()))


def _sql(name: str) -> str:
    return statement(_FILE, name)


def _install_holidays(con) -> None:
    """Finnish public holidays over the years the events span (log_silent_source reads chk_holidays)."""
    lo, hi = con.execute(_sql("event_span")).fetchall()[0]
    days = list(finnish_holidays(lo.year, hi.year)) if lo else []
    con.register("holiday_days", pl.DataFrame({"day": days}, schema={"day": pl.Date}))
    try:
        con.execute(_sql("holidays"))
    finally:
        con.unregister("holiday_days")


def build_context(con, config: dict, scope_dates: list[date] | None) -> None:
    """The per-event context every rule reads, in one piece; scope_dates None = all events.

    chk_scope_dates keeps the dates actually checked (in a full check, every date with events). The check
    itself builds it partition by partition (run_check); this one-piece form serves callers that judge a
    small store at once (the casebook, evaluation)."""
    ensure_summaries(con)
    reference_steps, partition_steps = partitions.context_steps()
    params = check_params(config) | {"full": scope_dates is None}
    for _name, sql in reference_steps:
        con.execute(sql, bind(sql, params))
    dates = scope_dates if scope_dates is not None else [r[0] for r in con.execute(_sql("event_dates")).fetchall()]
    partitions.set_partition(con, partitions.Partition(tuple(dates), 0), by_units=False)
    partitions.run_partition_steps(con, partition_steps, params | {"full": False})
    _install_holidays(con)


def evaluate_rules(con, config: dict, rules: list[Rule]) -> dict[str, float]:
    """Run each rule into chk_found; returns seconds per rule."""
    open_found(con)
    params = check_params(config)
    template = _sql("run_rule")
    timings = {}
    for rule in rules:
        t0 = time.perf_counter()
        con.execute(template.replace("/*rule*/", rule.sql), bind(rule.sql, params) | {"rule_id": rule.id})
        timings[rule.id] = time.perf_counter() - t0
    return timings


def _store_explanations(con, scope: Scope, *, by_units: bool = False, changed_only: bool = False) -> None:
    """Choose the partition's explanations (explanations.sql), then store them. A full check's partition of dates
    replaces its dates' explanations whole; an incremental check's (`changed_only`: a new day and its margin, or
    account-days scattered over the store, `by_units`) rewrites only those that changed, after keeping the old
    ones in chk_old_explained, so that add_touched_changed hands on only the client-days whose content changed."""
    for _name, sql in steps("checks/explanations.sql"):
        con.execute(sql)
    if by_units or changed_only:
        con.execute(_sql("old_explanations_of_units" if by_units else "old_explanations_of_dates"))
        con.execute(_sql("forget_changed_explanations"))
        con.execute(_sql("store_changed_explanations"))
    else:
        con.execute(_sql("forget_explanations_of_dates"), {"full": scope.full})
        con.execute(_sql("store_explanations"))


def sync_review_status(con, reviews: pl.DataFrame) -> None:
    """The latest review status from the work store, onto findings.status (default `new`)."""
    if reviews.is_empty():
        return
    con.register("reviews", reviews.select("finding_id", "status"))
    try:
        run_file(con, "runs/review_status.sql")
    finally:
        con.unregister("reviews")


def run_check(con, config: dict, *, force_full: bool = False, only: list[str] | None = None,
              reviews: pl.DataFrame | None = None, now: datetime | None = None) -> CheckResult:
    """Decide the scope, run the catalogue partition by partition, store the results and a check_runs row."""
    t0 = time.perf_counter()
    now = now or datetime.now(UTC)
    apply_limits(con, config)
    ensure_summaries(con)
    margin = int(config["checks"]["incremental_margin_days"])
    scope = decide_scope(con, margin, force_full=force_full,
                         widen_days=margin + int(config["checks"]["emergency_followup_days"]))
    run_id = run_file(con, "runs/next_check_run.sql").fetchone()[0]
    result = CheckResult(run_id, scope)
    journal_from = family_state(con, "explanations")  # the published snapshot follows by the client-days journalled
    result.previous_check_run_id = con.execute(_sql("previous_check_run"), {"run_id": run_id}).fetchone()[0]
    con.execute(_sql("open_touched"))
    record = {"check_run_id": run_id, "started_at": now, "scope": scope.kind,
              "reference_fingerprint": scope.reference_fingerprint, "max_ingest_run_id": scope.max_ingest_run_id}
    if scope.kind == "none":
        result.shares = _shares(con)
        if reviews is not None:
            sync_review_status(con, reviews)
        with transaction(con):
            result.findings_total = run_file(con, "runs/check_run.sql", record | {
                "finished_at": datetime.now(UTC), "findings_new": 0}).fetchone()[0]
            journal_record(con, "explanations", journal_from, seq=journal_days(con, "chk_touched"))
        return result
    rules = load_catalogue(only)
    event_rules = [r for r in rules if r.scope != "full"]
    full_rules = [r for r in rules if r.scope == "full"]
    params = check_params(config)
    reference_steps, partition_steps = partitions.context_steps()
    t1 = time.perf_counter()
    for _name, sql in reference_steps:
        con.execute(sql, bind(sql, params | {"full": False}))
    _install_holidays(con)
    result.context_seconds += time.perf_counter() - t1
    partitions.set_partition(con, partitions.Partition((), 0), by_units=False)   # no dates yet
    # the rules of scope `full` read no per-event context; they go first so that the explanations of every
    # partition leave out the events they name (an export that differs when extracted again)
    for rule_id, seconds in evaluate_rules(con, config, full_rules).items():
        result.rule_seconds[rule_id] = seconds
    t2 = time.perf_counter()
    with transaction(con):
        result.findings_new += store_findings(con, full_rules, full=scope.full, now=now)[1]
    result.store_seconds += time.perf_counter() - t2
    by_units = scope.kind == "reference"
    if scope.full:
        _forget_vanished_dates(con, event_rules)
    max_events = int(config.get("store", {}).get("check_partition_events", 2_000_000))
    plan = partitions.plan(con, None if scope.full else scope.dates, max_events, by_units=by_units)
    part_scope = Scope("incremental", [], scope.reference_fingerprint, scope.max_ingest_run_id)
    for part in plan:
        t1 = time.perf_counter()
        partitions.set_partition(con, part, by_units=by_units)
        partitions.run_partition_steps(con, partition_steps, params | {"full": False})
        result.context_seconds += time.perf_counter() - t1
        for rule_id, seconds in evaluate_rules(con, config, event_rules).items():
            result.rule_seconds[rule_id] = result.rule_seconds.get(rule_id, 0.0) + seconds
        t2 = time.perf_counter()
        with transaction(con):
            if not scope.full:
                con.execute(_sql("old_finding_pairs"))
            result.findings_new += store_findings(con, event_rules, full=part_scope.full, now=now, by_units=by_units)[1]
            _store_explanations(con, part_scope, by_units=by_units, changed_only=not scope.full)
        if not scope.full:  # a full check hands no client-days on (its duties rebuild; _runner.sql forget_touched)
            con.execute(_sql("add_touched_changed"))
        con.execute(_sql("add_share"))
        result.store_seconds += time.perf_counter() - t2
        result.partitions += 1
        result.events_checked += part.events
        log.info("checked partition %s (%d events)", part.label, part.events)
    t2 = time.perf_counter()
    with transaction(con):
        if reviews is not None:
            sync_review_status(con, reviews)
        remember_reference(con, scope.kind)
        result.findings_total = run_file(con, "runs/check_run.sql", record | {
            "finished_at": datetime.now(UTC), "findings_new": result.findings_new}).fetchone()[0]
        # the client-days whose explanations this run may have changed (a full check: the whole family)
        journal_record(con, "explanations", journal_from,
                       seq=None if scope.full else journal_days(con, "chk_touched"))
    if scope.full:
        con.execute(_sql("forget_touched"))
    result.store_seconds += time.perf_counter() - t2
    result.per_rule = dict(run_file(con, "runs/findings_per_rule.sql").fetchall())
    result.shares = _shares(con)
    result.seconds = time.perf_counter() - t0
    return result


def _shares(con) -> pl.DataFrame:
    return frame(con, _sql("share"), {})


def _forget_vanished_dates(con, event_rules: list[Rule]) -> None:
    """A full check replaces everything: findings and explanations of dates that no longer have events (a
    retention run removed them) are not visited by any partition, so they go first."""
    con.register("event_rules", pl.DataFrame({"rule_id": [r.id for r in event_rules]}, schema={"rule_id": pl.Utf8}))
    try:
        for name in ("vanished_dates", "vanished_findings", "forget_vanished_finding_events",
                     "forget_vanished_findings", "forget_vanished_explanations"):
            con.execute(_sql(name))
    finally:
        con.unregister("event_rules")


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
