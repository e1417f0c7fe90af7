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
