"""The working rhythm of the county: working days, Finnish holidays, the July dip, office hours.

Background activity follows it; the log-completeness rule for silent sources depends on it, so
every source gets enough events on every weekday (holidays included, at a skeleton level).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from holidays.countries.finland import Finland  # the one country, not the whole registry


def finnish_holidays(start: date, end: date) -> set[date]:
    years = range(start.year, end.year + 1)
    return set(Finland(years=list(years)).keys())


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def attendance(d: date, holiday_days: set[date], weekend_worker: bool) -> float:
    """Probability that a worker is at work on day d."""
    if d.weekday() >= 5:
        return 0.45 if weekend_worker else 0.0
    if d in holiday_days:
        return 0.35 if weekend_worker else 0.12
    if d.month == 7:
        return 0.5
    if d.month == 6 and d.day > 20 or d.month == 8 and d.day < 8:
        return 0.7
    return 0.9


def day_start(rng: random.Random, d: date) -> datetime:
    """When a worker's day begins (local time): 7:30–9:00."""
    return datetime.combine(d, time(7, 30)) + timedelta(seconds=rng.randint(0, 90 * 60))


def day_end(d: date) -> datetime:
    return datetime.combine(d, time(16, 15))
