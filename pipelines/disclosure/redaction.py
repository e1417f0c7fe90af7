"""What the law lets the requester receive: the decision on a request and the redactions it requires.

- Secret whereabouts (lastensuojelulaki 417/2007 62 § 3 mom, a decision of at most a year, 63 §): while the
  decision is in force (`placement_secret_until` empty or not before today), an answer to a guardian reveals
  no provider, unit, organisation or worker that could locate the child: those rows name only
  "the county's child welfare service".
- A minor who prohibits disclosure to guardians (asiakaslaki 812/2000 11 § 3 mom): no automatic answer to a
  guardian; the request waits for a professional's decision. `not_capable` / `allows_guardians` → released.
- A deceased client: not released by default; held for decision with the reason.
- Logs older than `max_period_years` before the request (703/2023 11 § 2 mom): only with a recorded special
  reason; otherwise that part is refused by a written decision (the whole request when nothing is left).
- A repeat within `repeat_window_days` is marked: it may be charged for (11 § 3 mom).
- A held request waits for a professional's recorded decision (register.record_professional_decision):
  `release` answers it (the letter names the decider and the reason), `refuse` is a written decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from ..config import load_config
from ..sqlfiles import read_sql
from . import texts
from .register import Request, _to_date, add_months

DELIVER, HELD, REFUSED = "deliver", "held_for_decision", "refused"
EXIT_CODES = {DELIVER: 0, HELD: 10, REFUSED: 11}


@dataclass(frozen=True)
class Decision:
    outcome: str                        # deliver, held_for_decision, refused
    released_from: date | None
    released_to: date | None
    reasons: tuple[str, ...] = ()       # text keys of texts.TEXT: reason_* (why held or refused)
    refused_from: date | None = None    # a part of the period refused (too old, no special reason)
    refused_to: date | None = None
    redact_location: bool = False
    repeated_of: str | None = None
    special_reason: str | None = None
    max_period_years: int = 2
    professional_by: str | None = None        # who released or refused a request that was held
    professional_reason: str | None = None
    released_by_professional: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    @property
    def needs_written_decision(self) -> bool:
        """A refusal, whole or partial, is a written decision with appeal instructions (11 § 4 mom)."""
        return self.outcome == REFUSED or self.refused_from is not None

    def reason_texts(self, lang: str) -> list[str]:
        return [texts.t(r, lang, years=self.max_period_years, by=self.professional_by or "-",
                        reason=self.professional_reason or "-") for r in self.reasons]


def client_facts(con, client_id: str) -> dict | None:
    cur = con.execute(read_sql("disclosure/client_facts.sql"), {"client_id": client_id})
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return dict(zip(names, rows[0])) if rows else None


def placement_secret_in_force(facts: dict | None, today: date) -> bool:
    if not facts or not facts.get("placement_secret"):
        return False
    until = facts.get("placement_secret_until")
    return until is None or until >= today


def decide(con, work_path, request: Request, today=None, config: dict | None = None) -> Decision:
    """The decision on one request, from the client's reference data and the request itself."""
    today = _to_date(today) or date.today()
    years = int((config or load_config())["requests"]["max_period_years"])
    facts = client_facts(con, request.client_id)
    common = {"repeated_of": request.repeated_of, "special_reason": request.special_reason,
              "max_period_years": years, "professional_by": request.professional_by,
              "professional_reason": request.professional_reason}
    held = []
    if facts is None:
        held.append("reason_unknown_client")
    else:
        if facts.get("deceased_on") is not None:
            held.append("reason_deceased")
        if request.relation == "guardian" and facts.get("minor_capacity") == "prohibits_guardians":
            held.append("reason_prohibits_guardians")
    released = False
    if held:
        if request.professional_decision == "refuse":
            return Decision(REFUSED, None, None, (*held, "reason_professional_refused"),
                            refused_from=request.period_from, refused_to=request.period_to, **common)
        if request.professional_decision != "release":
            return Decision(HELD, None, None, tuple(held), **common)
        released = True

    start, end = request.period_from, request.period_to
    limit = add_months(request.received_on, -12 * years)
    refused_from = refused_to = None
    if start < limit and not (request.special_reason or "").strip():
        if end < limit:
            return Decision(REFUSED, None, None, ("reason_too_old",), refused_from=start, refused_to=end, **common)
        refused_from, refused_to, start = start, limit - timedelta(days=1), limit
    redact = request.relation == "guardian" and placement_secret_in_force(facts, today)
    return Decision(DELIVER, start, end, (), refused_from=refused_from, refused_to=refused_to,
                    redact_location=redact, released_by_professional=released, **common)


def _locating(frame: pl.DataFrame) -> pl.Expr:
    """Rows whose organisation, unit or worker could reveal where the child lives."""
    return (
        (pl.col("organisation_kind") == "private_provider").fill_null(False)
        | (pl.col("unit_service_task") == "placement").fill_null(False)
        | (pl.col("channel") == "portal").fill_null(False)
    )


def redact_location(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Replace provider staff and placement units by the neutral "county's child welfare service" text."""
    neutral = texts.t("neutral_service", lang)
    hide = _locating(frame)
    blank = pl.lit(None, dtype=pl.Utf8)
    recipient_hidden = (pl.col("recipient_kind") == "private_provider").fill_null(False)
    return frame.with_columns(
        pl.when(hide).then(pl.lit(neutral)).otherwise(pl.col("organisation_name")).alias("organisation_name"),
        pl.when(hide).then(blank).otherwise(pl.col("organisation_id")).alias("organisation_id"),
        pl.when(hide).then(blank).otherwise(pl.col("unit_name")).alias("unit_name"),
        pl.when(hide).then(blank).otherwise(pl.col("unit_id")).alias("unit_id"),
        pl.when(hide).then(pl.lit(neutral)).otherwise(pl.col("worker_name")).alias("worker_name"),
        pl.when(hide).then(blank).otherwise(pl.col("worker_title")).alias("worker_title"),
        pl.when(hide).then(blank).otherwise(pl.col("account")).alias("account"),
        pl.when(hide).then(blank).otherwise(pl.col("staff_id")).alias("staff_id"),
        pl.when(recipient_hidden).then(pl.lit(neutral)).otherwise(pl.col("recipient_name")).alias("recipient_name"),
        pl.when(recipient_hidden).then(blank).otherwise(pl.col("recipient_organisation_id"))
        .alias("recipient_organisation_id"),
    )
