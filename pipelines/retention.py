"""Retention: what is past its period, and — only when asked — deleting it, with the purge logged.

Log data is kept 12 years from the event (703/2023 annex) and special-category data no longer. The
period is counted from the end of the event's year (`[retention] events_years`), so a year's logs go
together and the cut-off moves once a year. Requests and reviews have periods of their own
(`requests_years`, `reviews_years`). Nothing is deleted without `apply=True`; a purge is one transaction
per store and is itself written to the own use log (what, how many, up to which date).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .sqlfiles import frame_of_file, run_steps, steps, transaction, write_transaction
from .workstore import connect_work, log_access

DEFAULT_YEARS = {"events_years": 12, "requests_years": 12, "reviews_years": 12}


@dataclass
class Line:
    what: str
    past_period: int
    oldest: date | str | None
    kept_from: date


def _first_kept(today: date, years: int) -> date:
    """The oldest day still inside the period: data of year Y goes on 1 January of Y + 1 + years."""
    return date(today.year - years, 1, 1)


def _years(config: dict) -> dict[str, int]:
    return {k: int(v) for k, v in (DEFAULT_YEARS | dict(config.get("retention", {}))).items()}


def _work_cutoffs(today: date, years: dict) -> dict[str, str]:
    """The first kept day of requests and reviews (the work store's parameters :requests_cutoff, …)."""
    return {"requests_cutoff": _first_kept(today, years["requests_years"]).isoformat(),
            "reviews_cutoff": _first_kept(today, years["reviews_years"]).isoformat()}


def report(con, work_path: Path, config: dict, today: date | None = None) -> list[Line]:
    """What is past its period now, per kind (events, quarantined records, findings, requests, reviews)."""
    today = today or date.today()
    years = _years(config)
    run_steps(con, "retention/past_period.sql", {"events_years": years["events_years"], "today": today})
    kept_events = _first_kept(today, years["events_years"])
    lines = [Line(r["what"], int(r["past_period"]), r["oldest"], kept_events)
             for r in frame_of_file(con, "retention/summary.sql").iter_rows(named=True)]
    cut = _work_cutoffs(today, years)
    if Path(work_path).exists():
        with closing(connect_work(work_path)) as wcon:
            for name, sql in steps("retention/work_store.sql"):
                if name.startswith("count_"):
                    what = name.removeprefix("count_")
                    n, oldest = wcon.execute(sql, {k: v for k, v in cut.items() if f":{k}" in sql}).fetchone()
                    lines.append(Line(what, int(n), oldest, date.fromisoformat(cut[f"{what}_cutoff"])))
    return lines


def purge(con, work_path: Path, config: dict, *, actor: str, today: date | None = None) -> list[Line]:
    """Deletes what report() finds; returns what was deleted. Logged to the own use log first and last."""
    today = today or date.today()
    lines = report(con, work_path, config, today)
    if not any(line.past_period for line in lines):
        return lines
    with transaction(con):
        run_steps(con, "retention/purge.sql")
    years = _years(config)
    cut = _work_cutoffs(today, years)
    if Path(work_path).exists():
        with closing(connect_work(work_path)) as wcon, write_transaction(wcon):
            for name, sql in steps("retention/work_store.sql"):
                if name.startswith("delete_"):
                    wcon.execute(sql, {k: v for k, v in cut.items() if f":{k}" in sql})
    detail = "; ".join(f"{line.what} {line.past_period} (kept from {line.kept_from})" for line in lines)
    log_access(work_path, user_name=actor, role="cli", action="delete", page="retention", detail=detail)
    return lines
