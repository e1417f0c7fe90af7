"""An empty table says so in the reader's language.

Streamlit draws its own word for a table without rows ("empty") on the table's canvas, in English, where the
page's replacement of Streamlit's words cannot reach it; issue 16 asks for Finnish, Swedish and English for every
label. So a page shows a line of text in the chosen language instead of an empty table, and a table with rows as
before.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _page(lang: str, rows: int) -> None:
    import polars as pl
    import streamlit as st

    from app_pages._i18n import show_table

    st.session_state["lang"] = lang
    show_table(pl.DataFrame({"kirjaus": list(range(rows))}, schema={"kirjaus": pl.Int64}), hide_index=True)


@pytest.mark.parametrize(("lang", "words"), [("fi", "Ei rivejä."), ("sv", "Inga rader."), ("en", "No rows.")])
def test_an_empty_table_is_a_line_of_text_in_the_chosen_language(lang, words):
    at = AppTest.from_function(_page, kwargs={"lang": lang, "rows": 0}).run(timeout=60)
    assert not at.exception
    assert len(at.dataframe) == 0
    assert [c.value for c in at.caption] == [words]


def test_a_table_with_rows_is_drawn_as_a_table():
    at = AppTest.from_function(_page, kwargs={"lang": "fi", "rows": 3}).run(timeout=60)
    assert not at.exception
    assert len(at.dataframe) == 1 and at.dataframe[0].value.shape[0] == 3
    assert len(at.caption) == 0
