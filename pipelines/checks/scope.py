"""Incremental scope: which event dates a check run must re-examine.

A check run records the highest ingest run it has seen and the reference fingerprint. Only the dates touched
by newer ingest runs (and by new export conflicts) are re-checked, widened by `incremental_margin_days` because
windows look back and forward. If the reference changed, only the account-days its changed rows can touch are
re-checked as well (kind `reference`, pipelines/checks/reference_changes.py); everything only when the change
reaches every judgement (organisations, units, role permissions) or nothing was remembered to compare with.
The dates come from the event summaries kept at ingest (sql/checks/_scope.sql), never from a scan of the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from ..sqlfiles import statement

_FILE = "checks/_scope.sql"


@dataclass
class Scope:
    kind: str                                   # full, incremental, reference (account-days), none
    dates: list[date] = field(default_factory=list)
    reference_fingerprint: str | None = None
    max_ingest_run_id: int = 0
    reason: str = ""

    @property
    def full(self) -> bool:
        return self.kind == "full"


def _query(con, name: str, params: dict | None = None):
    return con.execute(statement(_FILE, name), params or {})


def current_fingerprint(con) -> str | None:
    rows = _query(con, "fingerprint").fetchall()
    return rows[0][0] if rows else None


def last_check(con):
    rows = _query(con, "last_check").fetchall()
    return rows[0] if rows else None


def _touched_dates(con, last_run: int, margin_days: int) -> tuple[list, list]:
    """(dates new ingest runs touched, those dates widened by the margin)."""
    touched = {r[0] for r in _query(con, "new_dates", {"last": last_run}).fetchall()}
    if _query(con, "new_conflicts", {"last": last_run}).fetchall()[0][0]:
        touched |= {r[0] for r in _query(con, "conflict_dates", {"last": last_run}).fetchall()}
    touched = sorted(touched)
    return touched, sorted({d + timedelta(days=k) for d in touched for k in range(-margin_days, margin_days + 1)})


def decide_scope(con, margin_days: int, *, force_full: bool = False, widen_days: int | None = None) -> Scope:
    """widen_days: how far a changed reference row's period reaches (margin + emergency follow-up window)."""
    fingerprint = current_fingerprint(con)
    max_run = _query(con, "max_run").fetchall()[0][0]
    last = last_check(con)
    if force_full or last is None:
        return Scope("full", [], fingerprint, max_run, "requested" if force_full else "first check")
    last_fp, last_run = last[0], last[1] or 0
    if last_fp != fingerprint:
        from .reference_changes import touched_units

        dates = touched_units(con, margin_days if widen_days is None else widen_days)
        if dates is None:
            return Scope("full", [], fingerprint, max_run, "reference data changed everywhere")
        touched, widened = _touched_dates(con, last_run, margin_days) if max_run > last_run else ([], [])
        if widened:
            con.register("widened", pl.DataFrame({"d": widened}, schema={"d": pl.Date}))
            try:
                _query(con, "widened_units")
            finally:
                con.unregister("widened")
        units = _query(con, "units_count").fetchall()[0][0]
        return Scope("reference", sorted(set(dates) | set(widened)), fingerprint, max_run,
                     f"reference data changed: {units} account-days; {len(touched)} dates of new events")
    if max_run <= last_run:
        return Scope("none", [], fingerprint, max_run, "nothing new since the last check")
    touched, dates = _touched_dates(con, last_run, margin_days)
    if not touched:
        return Scope("none", [], fingerprint, max_run, "new ingest runs added no events")
    return Scope("incremental", dates, fingerprint, max_run, f"{len(touched)} touched dates")
