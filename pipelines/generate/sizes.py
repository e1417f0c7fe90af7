"""How big a county each `--size` builds, and over which period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Size:
    name: str
    start: date
    end: date
    staff_scale: float      # multiplies the unit head counts
    client_scale: float     # multiplies the client counts
    visits: float           # mean client visits per worker per working day
    verify: bool            # run the rule oracle over every background event


SIZES = {
    "tiny": Size("tiny", date(2026, 3, 16), date(2026, 4, 19), 0.7, 0.35, 2.2, True),
    "small": Size("small", date(2026, 3, 1), date(2026, 5, 31), 1.0, 1.0, 2.4, True),
    "medium": Size("medium", date(2025, 9, 1), date(2026, 8, 31), 3.0, 3.0, 5.5, False),
    "large": Size("large", date(2025, 9, 1), date(2026, 8, 31), 20.0, 20.0, 8.5, False),
    # written only by the vectorised generator (generate/vectorised.py): ~100 M events of the large county
    "xlarge": Size("xlarge", date(2025, 9, 1), date(2026, 8, 31), 20.0, 20.0, 30.0, False),
}
# sizes written by the vectorised generator by default (`--engine events` keeps the event-by-event one
# for large, with every source format and planted, labelled cases)
VECTORISED = ("large", "xlarge")
