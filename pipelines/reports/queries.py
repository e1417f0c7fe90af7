"""Run the dashboard's named SQL files (sql/dashboard/<name>.sql) on a read-only DuckDB snapshot.

One place that opens the snapshot, so the pages and the reports share the same queries and the same
read-only discipline. Parameters are always bound (`$name`), never formatted into the SQL.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from .. import SQL_DIR
from ..sqlfiles import parse_sql_file


@lru_cache(maxsize=64)
def sql_text(name: str) -> str:
    return parse_sql_file(SQL_DIR / "dashboard" / f"{name}.sql").sql


def open_snapshot(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def run(db: str | os.PathLike | duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """The result of sql/dashboard/<name>.sql as a Polars frame."""
    if isinstance(db, (str, Path)):
        con = open_snapshot(db)
        try:
            return _frame(con, name, params)
        finally:
            con.close()
    return _frame(db, name, params)


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pl.DataFrame:
    rel = con.sql(sql_text(name), params=params or None)
    return pl.from_arrow(rel.to_arrow_table())
