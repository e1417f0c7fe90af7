"""Outputs: one formula-injection guard for every spreadsheet, safe with `,` and `;` list separators
(Finnish Excel splits a CSV on `;`), and owner-only files (the store, its write-ahead log, exports).
"""

from __future__ import annotations

import os
import stat

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import safe_cells
from pipelines.checks import export as findings_export
from pipelines.disclosure import exports as answer_exports
from pipelines.safe_cells import neutralise, neutralise_frame
from pipelines.store import connect

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cells(text: str) -> list[str]:
    """How a spreadsheet might split the text: on `,` (English) or `;` (Finnish list separator)."""
    out = []
    for sep in (",", ";"):
        out += text.split(sep)
    return out


def test_the_finnish_excel_payload_is_defused_in_every_cell():
    value = "x;=cmd|' /C calc'!A0"
    assert neutralise(value) == "x;'=cmd|' /C calc'!A0"
    assert not any(c.lstrip(" ").startswith(FORMULA) for c in cells(neutralise(value)))


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "a, =1", "a; @x", "ok"])
def test_neutralise_and_the_frame_version_agree(value):
    framed = neutralise_frame(pl.DataFrame({"v": [value]}))["v"][0]
    assert framed == neutralise(value)


@given(st.text(alphabet=st.sampled_from(list("ab =+-@;, \t")), max_size=30))
def test_no_cell_of_a_neutralised_value_starts_a_formula(value):
    assert not any(c.lstrip(" ").startswith(FORMULA) for c in cells(neutralise(value)))


def test_there_is_one_neutralise():
    assert findings_export.neutralise("x;=1") == answer_exports.neutralise("x;=1") == safe_cells.neutralise("x;=1")
    assert findings_export.neutralise(None) == ""


def test_the_store_and_its_write_ahead_log_are_owner_only(tmp_path):
    store = tmp_path / "s.duckdb"
    con = connect(store)
    con.execute("CREATE TABLE t AS SELECT 1 AS x")  # the first write creates the WAL
    con.execute("INSERT INTO t VALUES (2)")
    wal = store.with_name(store.name + ".wal")
    assert wal.exists()
    for path in (store, wal):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    con.close()
