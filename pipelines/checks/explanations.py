"""Plain-language texts of each explanation basis (fi/sv/en), from sql/checks/explanations.sql.

Request answers and the dashboard show why an access was legitimate in the reader's language; the texts
live beside the SQL that chooses the basis, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

import duckdb
import polars as pl

from ..sqlfiles import statement, steps


@lru_cache(maxsize=1)
def _texts() -> tuple[tuple, ...]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(dict(steps("checks/explanations.sql"))["basis_texts"])
        return tuple(con.execute(statement("checks/_lookups.sql", "basis_texts")).fetchall())
    finally:
        con.close()


def basis_texts() -> pl.DataFrame:
    """basis, rank (the order in which bases are tried), text_fi, text_sv, text_en."""
    return pl.DataFrame(list(_texts()), schema=["basis", "rank", "text_fi", "text_sv", "text_en"], orient="row")


def basis_text(basis: str, language: str = "fi") -> str:
    """The text of one basis in fi, sv or en (the basis id itself when unknown)."""
    column = {"fi": 3, "sv": 4, "en": 5}.get(language, 3) - 1
    for row in _texts():
        if row[0] == basis:
            return row[column]
    return basis


def bases_in_rule_order() -> list[str]:
    """The bases as the explain step's CASE tries them (for tests: texts and SQL agree)."""
    sql = dict(steps("checks/explanations.sql"))["explain"]
    return re.findall(r"THEN '([a-z_]+)'", sql)
