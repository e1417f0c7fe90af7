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
    # a full check writes one explanation per explained access: their unique event ids were written with ZSTD
    # (cheaper to write than the default dictionary compression), a choice fixed when the table is created
    con = duckdb.connect(str(tmp_store))
    con.execute("SET TimeZone = 'UTC'")
    assert migrate(con, up_to=10)[-1] == 10
    con.execute("INSERT INTO explanations SELECT 'pegasos', 'EV-' || i, 'C' || (i % 7), DATE '2024-01-02' + "
                "CAST(i % 30 AS INTEGER), 'unit' FROM range(200000) t(i)")
    before = con.execute("SELECT * FROM explanations ORDER BY source_event_id").fetchall()
    assert migrate(con, up_to=14)[-1] == 14
    try:
        assert con.execute("SELECT * FROM explanations ORDER BY source_event_id").fetchall() == before
        con.execute("INSERT INTO explanations VALUES ('pegasos', 'EV-new', NULL, DATE '2024-02-01', 'unit')")
        con.execute("CHECKPOINT")
        stored = dict(con.execute(
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('explanations') "
            "WHERE segment_type <> 'VALIDITY' GROUP BY ALL").fetchall())
        assert stored["source_event_id"] == ["ZSTD"]
        assert "ZSTD" not in stored["basis"]
    finally:
        con.close()


def test_explanations_are_renamed_by_their_events_ingest_run_and_record(tmp_store):
    # migration 15: an explanation names its event by (run_id, record_no), which every stored event has and which
    # is unique to it; the explanations of a store upgraded from 14 keep their basis, client and date, and an
    # explanation whose event is no longer stored (nothing a reader could show) is not carried over
    con = duckdb.connect(str(tmp_store))
    con.execute("SET TimeZone = 'UTC'")
    assert migrate(con, up_to=14)[-1] == 14
    con.execute("INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, client_id, "
                "action, emergency, run_id, record_no) "
                "SELECT CASE WHEN i % 2 = 0 THEN 'pegasos' ELSE 'effica' END, 'EV-' || (i // 2), "
                "TIMESTAMPTZ '2024-01-02 08:00:00+00' + to_hours(i), TIMESTAMP '2024-01-02 10:00:00' + to_hours(i), "
                "DATE '2024-01-02' + CAST(i // 24 AS INTEGER), 'C' || (i % 7), 'read', false, 1 + i % 3, i "
                "FROM range(3000) t(i)")
    con.execute("INSERT INTO explanations SELECT source_system, source_event_id, client_id, event_date, "
                "CASE WHEN record_no % 5 = 0 THEN 'unit' ELSE 'responsible_worker' END FROM events")
    con.execute("INSERT INTO explanations VALUES ('pegasos', 'EV-gone', 'C1', DATE '2024-01-02', 'unit')")
    before = con.execute("SELECT source_system, source_event_id, client_id, event_date, basis FROM explanations "
                         "WHERE source_event_id <> 'EV-gone'").fetchall()
    con.close()
    upgraded = connect(tmp_store)
    try:
        assert [r[0] for r in upgraded.execute("DESCRIBE explanations").fetchall()] == [
            "run_id", "record_no", "client_id", "event_date", "basis"]
        after = upgraded.execute(
            "SELECT e.source_system, e.source_event_id, x.client_id, x.event_date, x.basis "
            "FROM explanations x LEFT JOIN events e USING (run_id, record_no)").fetchall()
        assert sorted(after, key=str) == sorted(before, key=str)
        assert len(after) == 3000
    finally:
        upgraded.close()
