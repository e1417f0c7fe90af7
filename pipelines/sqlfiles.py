"""SQL lives in sql/ as files. A file starts with a metadata header of `-- key: value` lines.

Multi-line values continue on lines of the form `--   more text` (two or more spaces after `--`).
The header ends at the first line that is not a comment.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import SQL_DIR

_KEY = re.compile(r"^--\s?([a-z_][a-z0-9_]*):\s*(.*)$")
_CONT = re.compile(r"^--\s{2,}(.*)$")


@dataclass(frozen=True)
class SqlFile:
    path: Path
    meta: dict[str, str] = field(default_factory=dict)
    sql: str = ""

    @property
    def name(self) -> str:
        return self.path.stem


def parse_sql_file(path: Path) -> SqlFile:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    last_key = None
    for line in text.splitlines():
        stripped = line.rstrip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        m = _KEY.match(stripped)
        if m:
            last_key = m.group(1)
            meta[last_key] = m.group(2).strip()
            continue
        c = _CONT.match(stripped)
        if c and last_key:
            meta[last_key] = (meta[last_key] + " " + c.group(1).strip()).strip()
    return SqlFile(path=path, meta=meta, sql=text)


def sql_files(folder: str) -> list[SqlFile]:
    """All .sql files of sql/<folder>, sorted by name."""
    return [parse_sql_file(p) for p in sorted((SQL_DIR / folder).glob("*.sql"))]


def read_sql(relative: str) -> str:
    return (SQL_DIR / relative).read_text(encoding="utf-8")


# --- the one SQL runtime -------------------------------------------------------------------------------
# Every multi-step SQL file is split, bound and run here, so parameter binding, step splitting and
# transactions have one definition (and one place to add tracing or partitioning).

_STEP_CACHE: dict[str, list[tuple[str, str]]] = {}


def steps(relative: str) -> list[tuple[str, str]]:
    """Split sql/<relative> into (step name, statement) on `-- step:` lines (cached; files are read-only)."""
    if relative not in _STEP_CACHE:
        out, current, body = [], None, []
        for line in read_sql(relative).splitlines():
            if line.startswith("-- step:"):
                if current:
                    out.append((current, "\n".join(body)))
                current, body = line.split(":", 1)[1].strip(), []
            elif current:
                body.append(line)
        if current:
            out.append((current, "\n".join(body)))
        _STEP_CACHE[relative] = out
    return _STEP_CACHE[relative]


def bind(sql: str, params: dict | None) -> dict:
    """The named parameters a statement uses (DuckDB refuses unused ones), taken from `params`."""
    if not params:
        return {}
    return {k: v for k, v in params.items() if f"${k}" in sql}


def quote_identifier(name: str) -> str:
    """A table or column name spliced into a statement (DuckDB takes no parameter there), double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A string spliced where DuckDB takes no parameter (an ATTACH path; names in a generated VALUES list), single-quoted."""
    return "'" + text.replace("'", "''") + "'"


def statement(relative: str, name: str) -> str:
    """One named `-- step:` of sql/<relative>: a module keeps its small statements together in one file."""
    for step, sql in steps(relative):
        if step == name:
            return sql
    raise KeyError(f"sql/{relative} has no step {name!r}")


def run_steps(con, relative: str, params: dict | None = None, after: dict | None = None) -> None:
    """Run every step of a multi-step file in order; `after[name](con)` runs once its step is done."""
    for name, sql in steps(relative):
        con.execute(sql, bind(sql, params))
        if after and name in after:
            after[name](con)


def run_file(con, relative: str, params: dict | None = None):
    """Run a one-statement file (or a whole script without parameters) and return DuckDB's relation/cursor."""
    sql = read_sql(relative)
    return con.execute(sql, bind(sql, params))


def frame(con, sql: str, params: dict | None = None):
    """A query as a polars frame, through Arrow (no DB-API row copy)."""
    import polars as pl

    # con.sql refuses to run while an execute() result is unread (a fetchone() leaves one open); finish it,
    # as the next execute() would.
    con.complete()
    return pl.from_arrow(con.sql(sql, params=bind(sql, params) or None).to_arrow_table())


def frame_of_file(con, relative: str, params: dict | None = None):
    """The frame of a one-query file of sql/."""
    return frame(con, read_sql(relative), params)


def write_transaction(con) -> transaction:
    """`with write_transaction(wcon):` on the SQLite work store (BEGIN IMMEDIATE: writers queue at the start)."""
    return transaction(con, begin="BEGIN IMMEDIATE")


def run_script(con: sqlite3.Connection, relative: str) -> None:
    """A whole SQLite script of sql/ (a work-store migration) as one write transaction.

    executescript commits any open transaction first, so the script brings its own BEGIN and COMMIT."""
    con.executescript("BEGIN IMMEDIATE;\n" + read_sql(relative) + "\nCOMMIT;")


class transaction:
    """`with transaction(con):` — BEGIN, then COMMIT, or ROLLBACK on any exception (re-raised).

    Works for the DuckDB store and the SQLite work store alike (`begin="BEGIN IMMEDIATE"` there, so that two
    writers queue at the start instead of failing at the commit). Inside a transaction already open on the
    connection it joins that one instead of beginning another: both engines refuse a nested BEGIN, and DuckDB's
    refusal aborts the open transaction. A step that is atomic on its own is then atomic as part of its caller's
    (a case book's store whose rows are rolled back after each case, a rebuild inside a check), and the caller
    commits or rolls back the whole."""

    def __init__(self, con, begin: str = "BEGIN TRANSACTION"):
        self.con, self.begin, self.joined = con, begin, False

    def __enter__(self):
        self.joined = in_transaction(self.con)
        if not self.joined:
            self.con.execute(self.begin)
        return self.con

    def __exit__(self, exc_type, exc, tb):
        if self.joined:
            return False
        if exc_type is None:
            self.con.execute("COMMIT")
        else:
            with contextlib.suppress(duckdb.Error, sqlite3.Error):  # the connection may already be gone
                self.con.execute("ROLLBACK")
        return False


def in_transaction(con) -> bool:
    """True when a transaction is open on the connection. SQLite says so; DuckDB does not, but two reads of the
    current transaction's id agree only inside an open transaction (outside one, each statement is its own)."""
    if isinstance(con, sqlite3.Connection):
        return con.in_transaction
    tx = statement("store/session.sql", "transaction_id")
    first = con.execute(tx).fetchall()[0][0]
    return con.execute(tx).fetchall()[0][0] == first
