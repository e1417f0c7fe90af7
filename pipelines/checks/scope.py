"""Incremental scope: which event dates a check run must re-examine.

A check run records the highest ingest run it has seen and the reference fingerprint. If the reference
changed, everything is re-checked; otherwise only the dates touched by newer ingest runs (and by new
export conflicts), widened by `incremental_margin_days` because windows look back and forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Scope:
    kind: str                                   # full, incremental, none
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


def decide_scope(con, margin_days: int, *, force_full: bool = False) -> Scope:
    fingerprint = current_fingerprint(con)
    max_run = con.execute("SELECT coalesce(max(run_id), 0) FROM ingest_runs WHERE status = 'done'").fetchone()[0]
    last = last_check(con)
    if force_full or last is None:
        return Scope("full", [], fingerprint, max_run, "requested" if force_full else "first check")
    last_fp, last_run = last[0], last[1] or 0
    if last_fp != fingerprint:
        return Scope("full", [], fingerprint, max_run, "reference data changed")
    if max_run <= last_run:
        return Scope("none", [], fingerprint, max_run, "nothing new since the last check")
    touched = [r[0] for r in con.execute(
        "SELECT DISTINCT event_date FROM events WHERE run_id > $last "
        "UNION SELECT DISTINCT e.event_date FROM event_conflicts c JOIN events e "
        "USING (source_system, source_event_id) WHERE c.run_id > $last",
        {"last": last_run},
    ).fetchall()]
    if not touched:
        return Scope("none", [], fingerprint, max_run, "new ingest runs added no events")
    dates = sorted({d + timedelta(days=k) for d in touched for k in range(-margin_days, margin_days + 1)})
    return Scope("incremental", dates, fingerprint, max_run, f"{len(touched)} touched dates")
