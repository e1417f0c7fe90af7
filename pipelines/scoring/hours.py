"""Units' opening hours (units.csv `opening_hours`, optional): when a unit's work is "out of hours".

A unit open round the clock (a social emergency unit, a residential home) works evenings, nights, weekends and
public holidays as ordinary hours, so its night is not unusual. The forms (docs/formats.md):

- empty: the configured working hours ([checks] working_hours_start/end) on working days (Mon-Fri, not a
  Finnish public holiday);
- ``24/7``: always open;
- ``HH:MM-HH:MM``: open those hours on working days;
- ``HH:MM-HH:MM daily``: open those hours every day, weekends and public holidays included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPAN = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?(\s+daily)?$")


@dataclass(frozen=True)
class OpeningHours:
    open_from: int    # quarter-hour of the day, 0..96
    open_to: int      # exclusive, 0..96
    every_day: bool   # weekends and public holidays too


def _quarter(hours: str, minutes: str | None) -> int:
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and m in (0, 15, 30, 45) and (h < 24 or m == 0)):
        raise ValueError("not a time of day on a quarter-hour (HH:MM)")
    return 4 * h + m // 15


def parse_opening_hours(text: str | None) -> OpeningHours | None:
    """None for empty (the configured working hours); ValueError naming the expected forms otherwise."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text == "24/7":
        return OpeningHours(0, 96, True)
    m = _SPAN.match(text)
    if not m:
        raise ValueError("opening hours must be empty, 24/7, HH:MM-HH:MM or HH:MM-HH:MM daily")
    start, end = _quarter(m.group(1), m.group(2)), _quarter(m.group(3), m.group(4))
    if end <= start:
        raise ValueError("opening hours must end after they start (a night shift is 24/7 or two units)")
    return OpeningHours(start, end, bool(m.group(5)))
