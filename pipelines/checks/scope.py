"""Incremental scope: which event dates a check run must re-examine.

A check run records the highest ingest run it has seen and the reference fingerprint. Only the dates touched
by newer ingest runs (and by new export conflicts) are re-checked, widened by `incremental_margin_days` because
windows look back and forward. If the reference changed, only the account-days its changed rows can touch are
re-checked as well (kind `reference`, pipelines/checks/reference_changes.py); everything only when the change
reaches every judgement (organisations, units, role permissions) or nothing was remembered to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl


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


def current_fingerprint(con) -> str | None:
    row = con.execute("SELECT fingerprint FROM reference_imports ORDER BY import_id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def last_check(con):
    return con.execute(
        "SELECT reference_fingerprint, max_ingest_run_id FROM check_runs "
        "WHERE finished_at IS NOT NULL ORDER BY check_run_id DESC LIMIT 1"
    ).fetchone()


def _touched_dates(con, last_run: int, margin_days: int) -> tuple[list, list]:
    """(dates new ingest runs touched, those dates widened by the margin)."""
    touched = [r[0] for r in con.execute(
        "SELECT DISTINCT event_date FROM events WHERE run_id > $last "
        "UNION SELECT DISTINCT e.event_date FROM event_conflicts c JOIN events e "
        "USING (source_system, source_event_id) WHERE c.run_id > $last",
        {"last": last_run},
    ).fetchall()]
    return touched, sorted({d + timedelta(days=k) for d in touched for k in range(-margin_days, margin_days + 1)})


def decide_scope(con, margin_days: int, *, force_full: bool = False, widen_days: int | None = None) -> Scope:
    """widen_days: how far a changed reference row's period reaches (margin + emergency follow-up window)."""
    fingerprint = current_fingerprint(con)
    max_run = con.execute("SELECT coalesce(max(run_id), 0) FROM ingest_runs WHERE status = 'done'").fetchone()[0]
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
            frame = pl.DataFrame({"d": widened}, schema={"d": pl.Date})  # noqa: F841 (read by SQL)
            con.execute("INSERT INTO chk_scope_units SELECT DISTINCT source_system, account, event_date FROM events "
                        "WHERE event_date IN (SELECT d FROM frame)")
        units = con.execute("SELECT count(*) FROM chk_scope_units").fetchone()[0]
        return Scope("reference", sorted(set(dates) | set(widened)), fingerprint, max_run,
                     f"reference data changed: {units} account-days; {len(touched)} dates of new events")
    if max_run <= last_run:
        return Scope("none", [], fingerprint, max_run, "nothing new since the last check")
    touched, dates = _touched_dates(con, last_run, margin_days)
    if not touched:
        return Scope("none", [], fingerprint, max_run, "new ingest runs added no events")
    return Scope("incremental", dates, fingerprint, max_run, f"{len(touched)} touched dates")
