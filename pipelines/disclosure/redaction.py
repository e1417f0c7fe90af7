"""What the law lets the requester receive: the decision on a request and the redactions it requires.

- Secret whereabouts (lastensuojelulaki 417/2007 62 § 3 mom; a decision of at most a year at a time, 63 §).
  The protection is against everyone who acts for someone else — a guardian, a representative, anyone
  acting for a parent — so it applies to every requester but the client themself. A decision in force
  (`placement_secret_until` today or later) redacts the answer: no provider, placement unit, organisation or
  worker that could locate the child; those rows name only "the county's child welfare service". A decision
  that has ended while the answer period reaches back to its time, or one whose end date is unknown, is not
  released automatically: the request is held for the handler, who knows whether a new decision was made.
  The reference data has no start date, so a decision is taken to cover any period up to its end date.
- A minor who prohibits disclosure to the legal representative (asiakaslaki 812/2000 11 § 3 mom): no automatic
  answer to a guardian or representative; held for the handler.
- A deceased client: not released by default; held with the reason.
- An unknown client: held until the identity is checked.
- Logs older than `max_period_years` before the request (703/2023 11 § 2 mom): only with a recorded special
  reason; otherwise that part is refused by a written decision (the whole request when nothing is left).
- The handler's decision is honoured whatever else holds: `refuse` releases nothing (a written decision with
  its ground and reasoning), `partly` releases only the permitted period and rows, `release` answers a held
  request (a whereabouts redaction stays unless the handler lifted it, and never while a decision is in force).
- A repeat within `repeat_window_days` is marked: it may be charged for (11 § 3 mom).
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
PUBLIC_KINDS = ("county", "municipality", "state")
WHEREABOUTS_HOLDS = ("reason_whereabouts_ended", "reason_whereabouts_unknown_end")


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
    ground: str | None = None                 # the refusal's ground (grounds.REFUSAL_GROUNDS), whole or partial
    withheld: frozenset[str] = frozenset()    # rows kept back by a partial refusal (system:event id)
    narrowed: bool = False                    # the handler released a narrower period than asked
    fee: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    @property
    def partly_refused(self) -> bool:
        return self.outcome == DELIVER and (self.refused_from is not None or bool(self.withheld) or self.narrowed)

    @property
    def needs_written_decision(self) -> bool:
        """A refusal, whole or partial, is a written decision with appeal instructions (11 § 4 mom)."""
        return self.outcome == REFUSED or self.partly_refused

    def reason_texts(self, lang: str) -> list[str]:
        return [texts.t(r, lang, years=self.max_period_years, by=self.professional_by or "-",
                        reason=self.professional_reason or "-") for r in self.reasons]


def client_facts(con, client_id: str) -> dict | None:
    cur = con.execute(read_sql("disclosure/client_facts.sql"), {"client_id": client_id})
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return dict(zip(names, rows[0])) if rows else None


def placement_secret_in_force(facts: dict | None, today: date) -> bool:
    """A secret-whereabouts decision with a known end date that has not passed."""
    if not facts or not facts.get("placement_secret"):
        return False
    until = facts.get("placement_secret_until")
    return until is not None and until >= today


def whereabouts_hold(facts: dict | None, request: Request, today: date) -> str | None:
    """Why a request of someone acting for the child waits for the handler because of a secret-whereabouts
    decision: it has ended but covered part of the period, or its end date is unknown. None otherwise."""
    if request.relation == "self" or not facts or not facts.get("placement_secret"):
        return None
    until = facts.get("placement_secret_until")
    if until is None:
        return "reason_whereabouts_unknown_end"
    if until < today and request.period_from <= until:
        return "reason_whereabouts_ended"
    return None


def decide(con, work_path, request: Request, today=None, config: dict | None = None) -> Decision:
    """The decision on one request, from the client's reference data, the request and the handler's decision."""
    today = _to_date(today) or date.today()
    years = int((config or load_config())["requests"]["max_period_years"])
    facts = client_facts(con, request.client_id)
    common = {"repeated_of": request.repeated_of, "special_reason": request.special_reason,
              "max_period_years": years, "professional_by": request.professional_by,
              "professional_reason": request.professional_reason, "fee": request.fee}
    held = []
    if facts is None:
        held.append("reason_unknown_client")
    else:
        if facts.get("deceased_on") is not None:
            held.append("reason_deceased")
        if request.relation != "self" and facts.get("minor_capacity") == "prohibits_guardians":
            held.append("reason_prohibits_guardians")
    whereabouts = whereabouts_hold(facts, request, today)
    if whereabouts:
        held.append(whereabouts)
    professional = request.professional_decision
    if professional == "refuse":  # honoured whatever else holds: nothing is released
        return Decision(REFUSED, None, None, (*held, "reason_professional_refused"),
                        refused_from=request.period_from, refused_to=request.period_to,
                        ground=request.professional_ground, **common)
    if held and professional not in ("release", "partly"):
        return Decision(HELD, None, None, tuple(held), **common)
    released = bool(held)

    start, end = request.period_from, request.period_to
    narrowed = False
    if professional == "partly":
        if request.release_from and request.release_from > start:
            start, narrowed = request.release_from, True
        if request.release_to and request.release_to < end:
            end, narrowed = request.release_to, True
    limit = add_months(request.received_on, -12 * years)
    refused_from = refused_to = None
    if start < limit and not (request.special_reason or "").strip():
        if end < limit:
            return Decision(REFUSED, None, None, ("reason_too_old",), refused_from=start, refused_to=end,
                            ground="older_than_two_years", **common)
        refused_from, refused_to, start = start, limit - timedelta(days=1), limit
    # While a decision is in force nothing may locate the child; a held one stays redacted unless lifted.
    redact = request.relation != "self" and (
        placement_secret_in_force(facts, today) or (bool(whereabouts) and request.keep_redaction != 0))
    return Decision(DELIVER, start, end, (), refused_from=refused_from, refused_to=refused_to,
                    redact_location=redact, released_by_professional=released,
                    ground=request.professional_ground if professional == "partly" else None,
                    withheld=request.withheld if professional == "partly" else frozenset(), narrowed=narrowed,
                    **common)


def _locating(frame: pl.DataFrame) -> pl.Expr:
    """Rows whose organisation, unit or worker could reveal where the child lives: anything not known to be a
    public body's own non-placement work (an unknown organisation may well be the provider)."""
    return (
        ~pl.col("organisation_kind").is_in(PUBLIC_KINDS).fill_null(False)
        | (pl.col("unit_service_task") == "placement").fill_null(False)
        | (pl.col("channel") == "portal").fill_null(False)
    )


def redact_location(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Replace provider staff and placement units by the neutral "county's child welfare service" text."""
    neutral = texts.t("neutral_service", lang)
    hide = _locating(frame)
    blank = pl.lit(None, dtype=pl.Utf8)
    recipient_hidden = pl.col("recipient_organisation_id").is_not_null() & ~pl.col("recipient_kind").is_in(
        PUBLIC_KINDS).fill_null(False)
    return frame.with_columns(
        hide.alias("location_hidden"),
        # free text a provider's own system wrote (document names, data descriptions, the basis as logged) can
        # name the home: on a hidden row only the coded values (action, service task) remain
        pl.when(hide).then(blank).otherwise(pl.col("document")).alias("document"),
        pl.when(hide).then(blank).otherwise(pl.col("data_description")).alias("data_description"),
        pl.when(hide | recipient_hidden).then(blank).otherwise(pl.col("legal_basis")).alias("legal_basis"),
        pl.when(hide).then(blank).otherwise(pl.col("source_system")).alias("shown_system"),
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
