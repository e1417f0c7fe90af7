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
from ..sqlfiles import parse_sql_file, statement


@lru_cache(maxsize=64)
def sql_text(name: str) -> str:
    """The SQL of sql/dashboard/<name>.sql. A header line `-- with: other` makes the rows of
    sql/dashboard/other.sql available to it as the relation `other` (a common table expression), so a
    classification is written once and both listed and counted in DuckDB."""
    f = parse_sql_file(SQL_DIR / "dashboard" / f"{name}.sql")
    sql = f.sql
    for other in reversed([w.strip() for w in f.meta.get("with", "").split(",") if w.strip()]):
        body = _body(sql)
        inner = f"{other} AS (\n{_body(sql_text(other))}\n)"
        sql = (f"WITH {inner},\n{body[4:].lstrip()}" if body[:4].upper() == "WITH" and body[4:5].isspace()
               else f"WITH {inner}\n{body}")
    return sql


def _body(sql: str) -> str:
    """The statement without its leading comment header."""
    lines = sql.splitlines()
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("--")):
        i += 1
    return "\n".join(lines[i:]).strip().rstrip(";")


def open_snapshot(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True)
    con.execute(statement("store/session.sql", "utc"))
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
