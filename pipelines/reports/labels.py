"""Plain words for the codes people see: review statuses, outcomes, actions, bases, columns, in Finnish, Swedish
and English, and dates as d.m.yyyy with open-ended periods shown as such.

The store keeps codes (`violation_confirmed`, `after_end`, `9999-12-31`); a data protection officer, a supervisor
or a client reading a letter should never meet them. The dashboard and every PDF translate through this module,
so one word means one thing everywhere. Wellbeing services counties on the bilingual coast work in Swedish too.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

LANGS = ("fi", "sv", "en")
HELSINKI = ZoneInfo("Europe/Helsinki")
OPEN_END_FROM = date(9000, 1, 1)  # a period ending on or after this (9999-12-31 and the like) has no end


def _i(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else 0


@cache
def _table() -> dict[str, dict[str, tuple[str, str, str]]]:
    """labels.toml beside this module: every label and text of the dashboard and the reports, by section."""
    with (Path(__file__).with_name("labels.toml")).open("rb") as f:
        return {section: {k: tuple(v) for k, v in rows.items()} for section, rows in tomllib.load(f).items()}


def section(name: str) -> dict[str, tuple[str, str, str]]:
    """One section of the label table: key -> (fi, sv, en)."""
    return _table()[name]


def text(section_name: str, key: str, lang: str = "fi", **fmt) -> str:
    """A text of the label table in `lang` ({name} filled from `fmt`); the key itself when the table lacks it,
    so a missing translation shows instead of an empty widget."""
    entry = _table()[section_name].get(key)
    value = entry[_i(lang)] if entry else key
    return value.format(**fmt) if fmt else value


VALUES = section("values")  # code -> (fi, sv, en): codes in data, in plain words
COLUMNS = section("columns")  # column name -> (fi, sv, en)
# columns whose values are codes to translate
CODED = {"status", "severity", "action", "basis", "kind", "purpose", "agreement", "phase", "role", "relation",
         "outcome", "decision", "service_task", "organisation_kind"}
OPEN_ENDED = ("voimassa", "gällande", "in force")


def value_label(code, lang: str = "fi") -> str:
    """A code in plain words (the code itself when unknown, so nothing disappears)."""
    if code is None:
        return ""
    if isinstance(code, bool):
        code = "true" if code else "false"
    key = str(code)
    if key.startswith("finding: "):
        return f"{VALUES['finding'][_i(lang)]}: {finding_basis(key[9:], lang)}"
    entry = VALUES.get(key)
    return entry[_i(lang)] if entry else key


def finding_basis(code: str, lang: str = "fi") -> str:
    """What follows "finding: " in an access's basis, in words: a status of the provider page (VALUES) or the
    rule that found it (its title, sql/checks/rule_texts.toml); the code itself when neither knows it."""
    entry = VALUES.get(code)
    if entry:
        return entry[_i(lang)]
    from ..checks.texts import all_texts, rule_text

    return rule_text(code, lang).title if code in all_texts() else code


def column_label(name: str, lang: str = "fi") -> str:
    entry = COLUMNS.get(name)
    return entry[_i(lang)] if entry else name.replace("_", " ")


def open_ended(lang: str = "fi") -> str:
    return OPEN_ENDED[_i(lang)]


def date_text(d, lang: str = "fi", *, end: bool = False) -> str:
    """d.m.yyyy; an end date far in the future (or missing, for an end) is 'voimassa' / 'gällande' / 'in force'."""
    if d is None:
        return open_ended(lang) if end else ""
    if isinstance(d, datetime):
        d = d.date()
    if d >= OPEN_END_FROM:
        return open_ended(lang)
    return f"{d.day}.{d.month}.{d.year}"


def datetime_text(ts) -> str:
    """d.m.yyyy HH.MM in Helsinki wall-clock time."""
    if ts is None:
        return ""
    if ts.tzinfo is not None:
        ts = ts.astimezone(HELSINKI)
    return f"{ts.day}.{ts.month}.{ts.year} {ts.hour:02d}.{ts.minute:02d}"


END_COLUMNS = {"valid_to", "effective_to", "band_end", "placement_secret_until"}


def display_frame(df: pl.DataFrame, lang: str = "fi", *, rename: bool = True) -> pl.DataFrame:
    """A frame as people read it: codes in words, dates d.m.yyyy (open ends as 'voimassa'), times in Helsinki
    time, no nulls shown as 'None', and column headers in the chosen language."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            far = col >= pl.lit(OPEN_END_FROM)
            text = col.dt.strftime("%-d.%-m.%Y")
            if name in END_COLUMNS:
                expr = pl.when(col.is_null() | far).then(pl.lit(open_ended(lang))).otherwise(text)
            else:
                expr = pl.when(far).then(pl.lit(open_ended(lang))).otherwise(text).fill_null("")
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                col = col.dt.convert_time_zone("Europe/Helsinki")
            expr = col.dt.strftime("%-d.%-m.%Y %H.%M").fill_null("")
        elif dtype == pl.Boolean:
            expr = (pl.when(col).then(pl.lit(value_label(True, lang)))
                    .when(~col).then(pl.lit(value_label(False, lang))).otherwise(pl.lit("")))
        elif dtype == pl.Utf8 and name in CODED:  # vectorised: a provider's thousands of rows stay quick
            words = {code: entry[_i(lang)] for code, entry in VALUES.items()}
            bases = {c: f"{VALUES['finding'][_i(lang)]}: {finding_basis(c[9:], lang)}"
                     for c in df[name].unique().drop_nulls().to_list() if c.startswith("finding: ")}
            expr = col.replace(words | bases).fill_null("")
        elif dtype == pl.Utf8:
            expr = col.fill_null("")
        else:
            expr = col
        out.append(expr.alias(column_label(name, lang) if rename else name))
    if rename:  # two source columns may share a label (day / event_date): keep both, distinguishable
        seen: dict[str, int] = {}
        for i, e in enumerate(out):
            label = e.meta.output_name()
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                out[i] = e.alias(f"{label} ({seen[label]})")
    return df.select(out) if out else df
