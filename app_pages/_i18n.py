"""Finnish, Swedish and English UI text, and Finnish date formats (d.m.yyyy, HH.MM).

The DPO and the supervision unit work in Finnish or, in the bilingual counties, in Swedish; English is there for
the county's IT and auditors. Every visible label goes through `t(key)` so that a missing translation shows up as
the key itself, not as an empty widget. The texts, and the codes in data (statuses, actions, column names), are
in one table that the PDFs share (pipelines/reports/labels.toml, read through pipelines.reports.labels).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from pipelines.reports import labels

HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
WELCOME_SV = "Välkommen till Lokivahti – logggranskning av klientuppgifter inom socialvården."

# Streamlit's own words (widget placeholders, table toolbar, status) are English and it has no setting for
# another language; the page replaces them as they appear (app_pages/_auth.browser_sync). English -> (fi, sv),
# from the label table's [streamlit] section (pipelines/reports/labels.toml).
# Only a whole text equal to one of these words is replaced: none of them is a value the store holds (codes are
# translated before they are shown). The date picker's calendar takes its month and weekday names, and its own
# button and field labels, from the browser's language, which the page sets to LOCALES[language].
STREAMLIT_TEXT: dict[str, tuple[str, str]] = {en: (fi, sv) for en, (fi, sv, _en) in
                                              labels.section("streamlit").items()}
# The calendar's own words that are also everyday English ("month"): replaced inside a date input only, and at the
# start of a longer label too ("Choose date range, syyskuu 2025", the calendar's heading for screen readers).
# A date field's parts are labelled for screen readers as "day, <label> start date": those parts are replaced too.
# The label table's [calendar] section.
CALENDAR_TEXT: dict[str, tuple[str, str]] = {en: (fi, sv) for en, (fi, sv, _en) in
                                             labels.section("calendar").items()}
# The browser language the page announces for each interface language: Streamlit hands it to the date picker,
# which names months and weekdays and starts the week by it (Monday in all three), and to its number formats.
LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-FI"}

TEXT = labels.section("ui")  # key -> (fi, sv, en): pipelines/reports/labels.toml [ui]


def lang() -> str:
    return st.session_state.get("lang", "fi")


def t(key: str, **fmt) -> str:
    """The UI text for key in the chosen language (the key itself when missing)."""
    return labels.text("ui", key, lang(), **fmt)


def streamlit_words(code: str) -> dict:
    """What the page's replacer needs for `code`: {"locale": browser language, "text": {English: word},
    "calendar": {English: word}} (no words for English)."""
    locale = {"locale": LOCALES.get(code, LOCALES["fi"])}
    if code not in ("fi", "sv"):
        return locale
    i = ("fi", "sv").index(code)
    return locale | {"text": {en: pair[i] for en, pair in STREAMLIT_TEXT.items()},
                     "calendar": {en: pair[i] for en, pair in CALENDAR_TEXT.items()}}


def fi_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
    return f"{d.day}.{d.month}.{d.year}"


def fi_datetime(ts: datetime | None) -> str:
    """Finnish date and time in Helsinki wall-clock time (d.m.yyyy HH.MM)."""
    if ts is None:
        return ""
    if ts.tzinfo is not None:
        ts = ts.astimezone(HELSINKI)
    return f"{fi_date(ts)} {ts.hour:02d}.{ts.minute:02d}"


def fi_frame(df: pl.DataFrame) -> pl.DataFrame:
    """A frame as people read it in the chosen language: codes in words, dates d.m.yyyy (open ends as
    'voimassa'), no 'None', translated column headers."""
    return labels.display_frame(df, lang())


def show_table(df: pl.DataFrame, **kwargs) -> None:
    """A frame as a table; an empty one as a line of text in the chosen language instead: Streamlit draws its own
    word for an empty table on the table's canvas, in English, where the page's word replacement cannot reach."""
    if df.is_empty():
        st.caption(t("table_empty"))
        return
    st.dataframe(df, **kwargs)


def status_label(status: str) -> str:
    return t(f"st_{status}")


def value_label(code) -> str:
    return labels.value_label(code, lang())


def date_text(d, *, end: bool = False) -> str:
    return labels.date_text(d, lang(), end=end)
