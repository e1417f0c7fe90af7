"""The store's schema is versioned: old stores upgrade with their data, newer ones are refused."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import PROJECT_ROOT
from pipelines.errors import StoreError
from pipelines.store import connect, latest_version, migrate


def version(con) -> int:
    return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]


def test_a_version_1_store_upgrades_to_the_latest_with_its_events_kept(tmp_store):
    con = duckdb.connect(str(tmp_store))
    con.execute("SET TimeZone = 'UTC'")
    assert migrate(con, up_to=1) == [1]
    con.execute("INSERT INTO ingest_runs (run_id, path, file_name, format, started_at, status) "
                "VALUES (1, '/x/old.csv', 'old.csv', 'canonical_csv', now(), 'done')")
    con.execute("INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, action, "
                "emergency, run_id, record_no) VALUES ('pegasos', 'OLD-1', TIMESTAMPTZ '2024-01-02 08:00:00+00', "
                "TIMESTAMP '2024-01-02 10:00:00', DATE '2024-01-02', 'read', false, 1, 1)")
    con.close()
    upgraded = connect(tmp_store)
    try:
        assert version(upgraded) == latest_version() > 1
        assert upgraded.execute("SELECT source_event_id FROM events").fetchall() == [("OLD-1",)]
        assert upgraded.execute("SELECT count(*) FROM ref_clients").fetchone()[0] == 0  # version 2 exists
    finally:
        upgraded.close()


def test_migrating_twice_applies_nothing_the_second_time(store_con):
    assert migrate(store_con) == []
    assert version(store_con) == latest_version()


def test_a_store_of_a_newer_schema_is_refused(tmp_store):
    con = connect(tmp_store)
    con.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())", [latest_version() + 1])
    con.close()
    with pytest.raises(StoreError, match="newer"):
        connect(tmp_store)


def test_a_new_store_is_readable_by_its_owner_only(tmp_store):
    connect(tmp_store).close()
    assert tmp_store.stat().st_mode & 0o077 == 0


def test_every_column_of_events_is_documented_in_the_event_schema(store_con):
    doc = (PROJECT_ROOT / "docs" / "event-schema.md").read_text(encoding="utf-8")
    columns = [r[0] for r in store_con.execute("DESCRIBE events").fetchall()]
    assert len(columns) >= 20
    missing = [c for c in columns if f"| `{c}` |" not in doc]
    assert not missing, f"not documented in docs/event-schema.md: {missing}"


def test_explanations_kept_through_the_rebuild_that_stores_their_event_ids_with_zstd(tmp_store):
    # a full check writes one explanation per explained access: their unique event ids are written with ZSTD
    # (cheaper to write than the default dictionary compression), a choice fixed when the table is created
    con = duckdb.connect(str(tmp_store))
    con.execute("SET TimeZone = 'UTC'")
    assert migrate(con, up_to=10)[-1] == 10
    con.execute("INSERT INTO explanations SELECT 'pegasos', 'EV-' || i, 'C' || (i % 7), DATE '2024-01-02' + "
                "CAST(i % 30 AS INTEGER), 'unit' FROM range(200000) t(i)")
    before = con.execute("SELECT * FROM explanations ORDER BY source_event_id").fetchall()
    con.close()
    upgraded = connect(tmp_store)
    try:
        assert upgraded.execute("SELECT * FROM explanations ORDER BY source_event_id").fetchall() == before
        upgraded.execute("INSERT INTO explanations VALUES ('pegasos', 'EV-new', NULL, DATE '2024-02-01', 'unit')")
        upgraded.execute("CHECKPOINT")
        stored = dict(upgraded.execute(
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('explanations') "
            "WHERE segment_type <> 'VALIDITY' GROUP BY ALL").fetchall())
        assert stored["source_event_id"] == ["ZSTD"]
        assert "ZSTD" not in stored["basis"]
    finally:
        upgraded.close()
