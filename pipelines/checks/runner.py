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
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import holidays
import polars as pl

from ..resources import apply_limits
from . import partitions
from .catalogue import Rule, load_catalogue, steps
from .reference_changes import remember_reference
from .scope import Scope, decide_scope

log = logging.getLogger(__name__)

_FOUND_DDL = """
CREATE OR REPLACE TEMP TABLE chk_found (
    rule_id VARCHAR, finding_key VARCHAR, source_system VARCHAR, account VARCHAR, staff_id VARCHAR,
    client_id VARCHAR, organisation_id VARCHAR, unit_id VARCHAR, first_time TIMESTAMPTZ,
    last_time TIMESTAMPTZ, event_date DATE, evidence JSON,
    events STRUCT(source_system VARCHAR, source_event_id VARCHAR)[]
)"""


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


def check_params(config: dict) -> dict:
    """Every [checks] threshold, as named SQL parameters."""
    return {k: v for k, v in config["checks"].items() if isinstance(v, (int, float))}


def _bind(sql: str, params: dict) -> dict:
    return {k: v for k, v in params.items() if f"${k}" in sql}


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
    """The per-event context every rule reads, in one piece; scope_dates None = all events.

    chk_scope_dates keeps the dates actually checked (in a full check, every date with events). The check
    itself builds it partition by partition (run_check); this one-piece form serves callers that judge a
    small store at once (the casebook, evaluation)."""
    reference_steps, partition_steps = partitions.context_steps()
    params = check_params(config) | {"full": scope_dates is None}
    for _name, statement in reference_steps:
        con.execute(statement, _bind(statement, params))
    dates = scope_dates if scope_dates is not None else [
        r[0] for r in con.execute("SELECT DISTINCT event_date FROM events ORDER BY 1").fetchall()]
    partitions.set_partition(con, partitions.Partition(tuple(dates), 0), by_units=False)
    partitions.run_partition_steps(con, partition_steps, params | {"full": False})
    _install_holidays(con)


def evaluate_rules(con, config: dict, rules: list[Rule]) -> dict[str, float]:
    """Run each rule into chk_found; returns seconds per rule."""
    con.execute(_FOUND_DDL)
    params = check_params(config)
    timings = {}
    for rule in rules:
        t0 = time.perf_counter()
        con.execute(
            f"INSERT INTO chk_found BY NAME SELECT $rule_id AS rule_id, q.* FROM (\n{rule.sql}\n) q",
            _bind(rule.sql, params) | {"rule_id": rule.id},
        )
        timings[rule.id] = time.perf_counter() - t0
    return timings


def _store_findings(con, rules: list[Rule], scope: Scope, now: datetime, *, by_units: bool = False) -> tuple[int, int]:
    """Replace the findings of the scope with chk_found; returns (findings in scope, new findings).

    by_units: the scope is the account-days of chk_scope_units within chk_scope_dates, not whole dates."""
    meta = pl.DataFrame(  # noqa: F841
        {"rule_id": [r.id for r in rules], "category": [r.category for r in rules],
         "severity": [r.severity for r in rules], "rule_scope": [r.scope for r in rules]}
    )
    con.execute("CREATE OR REPLACE TEMP TABLE chk_rules AS SELECT * FROM meta")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE chk_replaced AS "
        "SELECT f.finding_id, f.first_seen_at FROM findings f JOIN chk_rules r USING (rule_id) "
        "WHERE $full OR r.rule_scope = 'full' OR (f.event_date IN (SELECT d FROM chk_scope_dates) "
        "AND (NOT $by_units OR EXISTS (SELECT 1 FROM chk_scope_units u WHERE u.event_date = f.event_date "
        "AND u.source_system IS NOT DISTINCT FROM f.source_system AND u.account IS NOT DISTINCT FROM f.account)))",
        {"full": scope.full, "by_units": by_units},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE chk_new AS "
        "SELECT md5(f.rule_id || '|' || f.finding_key) AS finding_id, f.*, r.category, r.severity "
        "FROM chk_found f JOIN chk_rules r USING (rule_id) "
        "QUALIFY row_number() OVER (PARTITION BY md5(f.rule_id || '|' || f.finding_key)) = 1"
    )
    con.execute("DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_replaced)")
    con.execute("DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_replaced)")
    # a finding of an out-of-scope date may still share an id with a new one (a window moved): replace it too
    con.execute("CREATE OR REPLACE TEMP TABLE chk_clash AS SELECT finding_id, first_seen_at FROM findings "
                "WHERE finding_id IN (SELECT finding_id FROM chk_new)")
    con.execute("INSERT INTO chk_replaced SELECT * FROM chk_clash")
    con.execute("DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_clash)")
    con.execute("DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_clash)")
    con.execute(
        "INSERT INTO findings SELECT n.finding_id, n.rule_id, n.category, n.severity, n.finding_key, "
        "n.source_system, n.account, n.staff_id, n.client_id, n.organisation_id, n.unit_id, n.first_time, "
        "n.last_time, n.event_date, len(n.events), n.evidence, 'new', "
        "coalesce(o.first_seen_at, $now), $now "
        "FROM chk_new n LEFT JOIN (SELECT finding_id, min(first_seen_at) AS first_seen_at FROM chk_replaced "
        "GROUP BY ALL) o USING (finding_id)",
        {"now": now},
    )
    con.execute(
        "INSERT INTO finding_events SELECT DISTINCT finding_id, e.source_system, e.source_event_id "
        "FROM (SELECT finding_id, unnest(events) AS e FROM chk_new)"
    )
    total, new = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE finding_id NOT IN (SELECT finding_id FROM chk_replaced)) "
        "FROM chk_new"
    ).fetchone()
    return total, new


def _store_explanations(con, scope: Scope, *, by_units: bool = False) -> None:
    if by_units:
        con.execute("DELETE FROM explanations WHERE event_date IN (SELECT d FROM chk_scope_dates) "
                    "AND (source_system, source_event_id) IN (SELECT source_system, source_event_id FROM chk_ctx)")
    else:
        con.execute(
            "DELETE FROM explanations WHERE $full OR event_date IN (SELECT d FROM chk_scope_dates)",
            {"full": scope.full},
        )
    for _name, statement in steps("explanations.sql"):
        con.execute(statement)


def sync_review_status(con, reviews: pl.DataFrame) -> None:
    """Copy the latest review status from the work store onto findings.status (default `new`)."""
    if reviews.is_empty():
        return
    frame = reviews.select("finding_id", "status")  # noqa: F841
    con.execute("UPDATE findings SET status = r.status FROM frame r WHERE findings.finding_id = r.finding_id")


def run_check(con, config: dict, *, force_full: bool = False, only: list[str] | None = None,
              reviews: pl.DataFrame | None = None, now: datetime | None = None) -> CheckResult:
    """Decide the scope, run the catalogue partition by partition, store the results and a check_runs row."""
    t0 = time.perf_counter()
    now = now or datetime.now(UTC)
    apply_limits(con, config)
    margin = int(config["checks"]["incremental_margin_days"])
    scope = decide_scope(con, margin, force_full=force_full,
                         widen_days=margin + int(config["checks"]["emergency_followup_days"]))
    run_id = con.execute("SELECT coalesce(max(check_run_id), 0) + 1 FROM check_runs").fetchone()[0]
    result = CheckResult(run_id, scope)
    if scope.kind == "none":
        if reviews is not None:
            sync_review_status(con, reviews)
        result.findings_total = con.execute("SELECT count(*) FROM findings").fetchone()[0]
        con.execute(
            "INSERT INTO check_runs VALUES (?, ?, ?, 'none', ?, ?, ?, 0)",
            [run_id, now, datetime.now(UTC), scope.reference_fingerprint, scope.max_ingest_run_id,
             con.execute("SELECT count(*) FROM findings").fetchone()[0]],
        )
        return result
    rules = load_catalogue(only)
    event_rules = [r for r in rules if r.scope != "full"]
    full_rules = [r for r in rules if r.scope == "full"]
    params = check_params(config)
    reference_steps, partition_steps = partitions.context_steps()
    t1 = time.perf_counter()
    for _name, statement in reference_steps:
        con.execute(statement, _bind(statement, params | {"full": False}))
    _install_holidays(con)
    result.context_seconds += time.perf_counter() - t1
    partitions.set_partition(con, partitions.Partition((), 0), by_units=False)   # no dates yet
    # the rules of scope `full` read no per-event context; they go first so that the explanations of every
    # partition leave out the events they name (an export that differs when extracted again)
    for rule_id, seconds in evaluate_rules(con, config, full_rules).items():
        result.rule_seconds[rule_id] = seconds
    t2 = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    try:
        result.findings_new += _store_findings(con, full_rules, scope, now)[1]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
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
        con.execute("BEGIN TRANSACTION")
        try:
            result.findings_new += _store_findings(con, event_rules, part_scope, now, by_units=by_units)[1]
            _store_explanations(con, part_scope, by_units=by_units)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        result.store_seconds += time.perf_counter() - t2
        result.partitions += 1
        result.events_checked += part.events
        log.info("checked partition %s (%d events)", part.label, part.events)
    t2 = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    try:
        if reviews is not None:
            sync_review_status(con, reviews)
        result.findings_total = con.execute("SELECT count(*) FROM findings").fetchone()[0]
        remember_reference(con)
        con.execute(
            "INSERT INTO check_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, now, datetime.now(UTC), scope.kind, scope.reference_fingerprint,
             scope.max_ingest_run_id, result.findings_total, result.findings_new],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.store_seconds += time.perf_counter() - t2
    result.per_rule = dict(con.execute(
        "SELECT rule_id, count(*) FROM findings GROUP BY 1 ORDER BY 1").fetchall())
    result.seconds = time.perf_counter() - t0
    return result


def _forget_vanished_dates(con, event_rules: list[Rule]) -> None:
    """A full check replaces everything: findings and explanations of dates that no longer have events (a
    retention run removed them) are not visited by any partition, so they go first."""
    ids = pl.DataFrame({"rule_id": [r.id for r in event_rules]}, schema={"rule_id": pl.Utf8})  # noqa: F841
    con.execute("CREATE OR REPLACE TEMP TABLE chk_event_dates AS SELECT DISTINCT event_date FROM events")
    con.execute("CREATE OR REPLACE TEMP TABLE chk_vanished AS SELECT finding_id FROM findings "
                "WHERE rule_id IN (SELECT rule_id FROM ids) "
                "AND (event_date IS NULL OR event_date NOT IN (SELECT event_date FROM chk_event_dates))")
    con.execute("DELETE FROM finding_events WHERE finding_id IN (SELECT finding_id FROM chk_vanished)")
    con.execute("DELETE FROM findings WHERE finding_id IN (SELECT finding_id FROM chk_vanished)")
    con.execute("DELETE FROM explanations WHERE event_date NOT IN (SELECT event_date FROM chk_event_dates)")


def query_frame(con, sql: str, params: dict | None = None) -> pl.DataFrame:
    """A query's result as a Polars frame (through Arrow)."""
    with warnings.catch_warnings():  # the extra Arrow copy is fine for report-sized results
        warnings.simplefilter("ignore")
        return pl.from_arrow(con.execute(sql, params or {}).to_arrow_table())


def explained_share(con) -> pl.DataFrame:
    """Per source system: access events, those in a rule finding, those explained, and the explained share
    of the access events that are in no rule finding (the anomaly model's leads do not count)."""
    return query_frame(con, 
        """
        WITH acc AS (
            SELECT source_system, source_event_id FROM events
            WHERE client_id IS NOT NULL AND action <> 'other' AND coalesce(outcome, 'success') = 'success'
        ), flagged AS (SELECT DISTINCT fe.source_system, fe.source_event_id FROM finding_events fe
                     JOIN findings fi USING (finding_id) WHERE fi.rule_id <> 'model_anomaly'),
        expl AS (SELECT DISTINCT source_system, source_event_id FROM explanations)
        SELECT a.source_system,
            count(*) AS access_events,
            count(f.source_event_id) AS in_findings,
            count(x.source_event_id) AS explained,
            CASE WHEN count(*) - count(f.source_event_id) = 0 THEN NULL
                 ELSE count(x.source_event_id) / (count(*) - count(f.source_event_id)) END AS explained_share
        FROM acc a
        LEFT JOIN flagged f USING (source_system, source_event_id)
        LEFT JOIN expl x USING (source_system, source_event_id)
        GROUP BY ALL ORDER BY 1
        """
    )


def run_checks(con, *, store_path=None, full: bool = False, config: dict | None = None) -> CheckResult:
    """The check step on an open store (the benchmark's entry point): review status from the store's work
    store when its path is given."""
    from ..config import load_config
    from ..workstore import current_reviews, work_path_for

    config = config or load_config()
    reviews = current_reviews(work_path_for(store_path)) if store_path else None
    return run_check(con, config, force_full=full, reviews=reviews)
