"""Every word the client reads, in Finnish, Swedish and English.

The answer goes to a client, a guardian or a representative, not to an auditor: basis codes, actions and
review states become plain words. The words are data, in sql/disclosure/answer_texts.toml, in one place, so
that the three languages stay in step (a test checks that every key has all three).
`t(key, lang, **values)` fills `{placeholders}`.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache

from .. import SQL_DIR
from ..checks.explanations import basis_texts

LANGS = ("fi", "sv", "en")
TEXTS_PATH = SQL_DIR / "disclosure" / "answer_texts.toml"

with open(TEXTS_PATH, "rb") as _fh:
    _TABLES = tomllib.load(_fh)
# Action of an event -> what was done, in plain words.
ACTIONS: dict[str, dict[str, str]] = _TABLES["actions"]
# Review state of an event that is in a finding (or has no explanation at all).
REVIEW: dict[str, dict[str, str]] = _TABLES["review"]
# The letter, the decision, the reasons and grounds, the reasoned view: every other sentence.
TEXT: dict[str, dict[str, str]] = _TABLES["text"]
SERVICE_TASKS: dict[str, dict[str, str]] = _TABLES["service_tasks"]


# The basis of a use in plain words has ONE copy: the chk_basis_texts table of sql/checks/explanations.sql,
# beside the SQL that chooses the basis (the dashboard reads it there too). basis_text() reads it once.
DISCLOSURE_BASES = ("statutory_right", "own_provider", "disclosure_permission")
PURPOSES = ("client_relationship", "other_task", "statutory_right", "emergency", "supervision")


@lru_cache(maxsize=1)
def _basis_table() -> dict[str, dict[str, str]]:
    return {r["basis"]: {"fi": r["text_fi"], "sv": r["text_sv"], "en": r["text_en"]}
            for r in basis_texts().iter_rows(named=True)}


def bases() -> tuple[str, ...]:
    """Every basis the checks can give, in the order of explanations.sql."""
    return tuple(_basis_table())


def basis_text(basis: str, lang: str) -> str:
    """The plain-language text of one explanation basis (the code itself if the checks gained a new one)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (fi, sv or en)")
    return _basis_table().get(basis, {}).get(lang, basis)


def t(key: str, lang: str, **values) -> str:
    """The text of `key` in `lang` (fi, sv or en) with its placeholders filled."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (fi, sv or en)")
    for table in (TEXT, ACTIONS, REVIEW):
        if key in table:
            return table[key][lang].format(**values) if values else table[key][lang]
    raise KeyError(key)


def finnish_date(d) -> str:
    """d.m.yyyy, the form used in Finnish (and Finland-Swedish) letters; ISO for English would confuse no one."""
    return f"{d.day}.{d.month}.{d.year}"


def service_task_words(task: str | None, lang: str) -> str:
    if not task:
        return ""
    return SERVICE_TASKS.get(task, {}).get(lang, task)


def local_time_text(ts, lang: str) -> str:
    """Helsinki wall-clock time the Finnish way: 3.2.2026 klo 14.05 (sv `kl.`, en 14:05)."""
    if lang == "en":
        return f"{finnish_date(ts)} {ts:%H:%M}"
    return f"{finnish_date(ts)} {'klo' if lang == 'fi' else 'kl.'} {ts:%H.%M}"
