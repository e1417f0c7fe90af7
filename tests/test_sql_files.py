"""SQL lives in files with a metadata header, so each can be read, listed and documented without running it."""

from __future__ import annotations

import pytest

from pipelines import SQL_DIR
from pipelines.sqlfiles import parse_sql_file

ALL_SQL = sorted(SQL_DIR.rglob("*.sql"))


@pytest.mark.parametrize("path", ALL_SQL, ids=lambda p: str(p.relative_to(SQL_DIR)))
def test_every_sql_file_starts_with_a_metadata_header(path):
    meta = parse_sql_file(path).meta
    assert meta, f"{path} has no `-- key: value` header"
    assert meta.get("title") or meta.get("id") or meta.get("migration"), f"{path} header names nothing"


def test_migrations_are_numbered_in_file_order():
    from pipelines.store import migrations

    versions = [v for v, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


# One transaction runtime for both stores (pipelines/sqlfiles.py). A step that is atomic on its own (a summary
# rebuild, an import) may be called inside a larger transaction; both engines refuse a nested BEGIN, so the
# step joins the open transaction and its caller commits or rolls back the whole.

def _stores(tmp_path):
    import sqlite3

    import duckdb

    d = duckdb.connect(str(tmp_path / "t.duckdb"))
    s = sqlite3.connect(str(tmp_path / "t.sqlite"), isolation_level=None)
    for con in (d, s):
        con.execute("CREATE TABLE t (x INTEGER)")
    return [("duckdb", d, "BEGIN TRANSACTION"), ("sqlite", s, "BEGIN IMMEDIATE")]


def _count(con) -> int:
    return con.execute("SELECT count(*) FROM t").fetchall()[0][0]


def test_a_transaction_inside_another_joins_it_and_the_outer_one_decides(tmp_path):
    from pipelines.sqlfiles import in_transaction, transaction

    for engine, con, begin in _stores(tmp_path):
        assert not in_transaction(con), engine
        with pytest.raises(RuntimeError), transaction(con, begin):
            con.execute("INSERT INTO t VALUES (1)")
            with transaction(con, begin):  # joins: no nested BEGIN, no COMMIT of its own
                assert in_transaction(con), engine
                con.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("the caller fails after the inner step finished")
        assert _count(con) == 0, f"{engine}: the inner step's row outlived the caller's rollback"
        with transaction(con, begin), transaction(con, begin):
            con.execute("INSERT INTO t VALUES (3)")
        assert _count(con) == 1, engine
        assert not in_transaction(con), engine


def test_a_failure_inside_a_joined_transaction_rolls_back_the_whole(tmp_path):
    from pipelines.sqlfiles import transaction

    for engine, con, begin in _stores(tmp_path):
        with pytest.raises(ValueError), transaction(con, begin):
            con.execute("INSERT INTO t VALUES (1)")
            with transaction(con, begin):
                con.execute("INSERT INTO t VALUES (2)")
                raise ValueError("the inner step fails")
        assert _count(con) == 0, engine
