"""The user-facing texts of each rule (and of the anomaly model) in Finnish, Swedish and English.

They live in sql/checks/rule_texts.toml beside the rules, as data: title, legal basis, description and known
false positives. The legal basis depends on the event's date: events before 1.1.2024 fall under the acts that
asiakastietolaki 703/2023 replaced, and logs are kept 12 years, so both generations are shown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from .. import SQL_DIR

LANGUAGES = ("fi", "sv", "en")
FIELDS = ("title", "legal_basis", "description", "false_positives")
NEW_ACTS_FROM = date(2024, 1, 1)   # asiakastietolaki 703/2023 and valvontalaki 741/2023 in force
TEXTS_PATH = SQL_DIR / "checks" / "rule_texts.toml"


@dataclass(frozen=True)
class RuleText:
    rule_id: str
    title: str
    legal_basis: str
    description: str
    false_positives: str


@lru_cache(maxsize=1)
def all_texts() -> dict[str, dict]:
    """The parsed texts file: rule id -> field -> language -> text."""
    with TEXTS_PATH.open("rb") as f:
        return tomllib.load(f)


def _day(on) -> date | None:
    if on is None:
        return None
    if isinstance(on, datetime):
        return on.date()
    if isinstance(on, date):
        return on
    return date.fromisoformat(str(on)[:10])


def rule_text(rule_id: str, lang: str = "fi", on=None) -> RuleText:
    """The texts of one rule in one language, with the legal basis in force on `on` (a date; None = today's).

    A language without a text falls back to Finnish; an unknown rule gives its id as title and empty texts."""
    lang = lang if lang in LANGUAGES else "fi"
    entry = all_texts().get(rule_id)
    if entry is None:
        return RuleText(rule_id, rule_id, "", "", "")

    def pick(field: str) -> str:
        values = entry.get(field) or {}
        return values.get(lang) or values.get("fi") or ""

    day = _day(on)
    basis_field = "legal_basis_before_2024" if day and day < NEW_ACTS_FROM and "legal_basis_before_2024" in entry \
        else "legal_basis"
    return RuleText(rule_id, pick("title"), pick(basis_field), pick("description"), pick("false_positives"))
