"""The dashboard's snapshot is brought up to date by what changed, and is then what a copy of the store would be.

DuckDB lets one process write a file, so the dashboard reads a published snapshot of the store (pipelines/
snapshot.py). Copying the whole store after every step cost what the store holds; a snapshot file no reader holds
is instead brought up to date by the ingest runs since, the client-days the checks and the client copy journalled,
and whole copies of the tables that differ. Whatever the way, the snapshot must hold exactly what the store holds,
table by table; a reader holding an older snapshot must not be disturbed; and a publish cut short must leave the
last good snapshot readable. The week below is test_incremental_check.py's county, run through the pipeline's
steps as `lokivahti` runs them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from test_incremental_check import C2, DAYS, REFERENCE, _write_day, _write_reference

from pipelines import snapshot, steps
from pipelines.config import load_config
from pipelines.store import connect, publish_snapshot_detail, snapshot_path

# every store in these tests is small: the update path is asked for from the first byte (lokivahti.toml copies a
# store below `snapshot_update_from_mib` whole)
CONFIG = load_config()
CONFIG["store"] = {**CONFIG["store"], "snapshot_update_from_mib": 0}


def _differences(store: Path, snap: Path) -> dict[str, tuple[int, int]]:
    """Each table of the store whose columns or rows (as a multiset) the snapshot does not hold exactly:
    (rows only in the store, rows only in the snapshot); (-1, -1) for other columns or a missing table."""
    con = duckdb.connect(str(snap), read_only=True)
    try:
        con.execute(f"ATTACH '{store}' AS live (READ_ONLY)")
        here = con.execute("SELECT current_database()").fetchone()[0]
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'live'")
                  .fetchall()]
        columns = ("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
                   "ORDER BY column_index")
        different = {}
        for table in tables:
            if con.execute(columns, ["live", table]).fetchall() != con.execute(columns, [here, table]).fetchall():
                different[table] = (-1, -1)
                continue
            only_store = con.execute(f'SELECT count(*) FROM (SELECT * FROM live."{table}" '
                                     f'EXCEPT ALL SELECT * FROM main."{table}")').fetchone()[0]
            only_snap = con.execute(f'SELECT count(*) FROM (SELECT * FROM main."{table}" '
                                    f'EXCEPT ALL SELECT * FROM live."{table}")').fetchone()[0]
            if only_store or only_snap:
                different[table] = (only_store, only_snap)
        return different
    finally:
        con.close()


@pytest.fixture(scope="module")
def _published_week(tmp_path_factory) -> Path:
    """The week's first four days, referenced, ingested, checked in full and published, once per module (the
    check step publishes; a second publish leaves a deployed store's two snapshot files behind)."""
    root = tmp_path_factory.mktemp("week")
    events = root / "events"
    events.mkdir()
    store = root / "store.duckdb"
    steps.reference(store, _write_reference(root / "reference"), config=CONFIG)
    steps.ingest(store, [_write_day(events, day) for day in DAYS[:4]], config=CONFIG)
    assert steps.check(store, config=CONFIG).publication["how"] == "copied"   # nothing to bring up to date yet
    publish_snapshot_detail(store, config=CONFIG)
    return root


@pytest.fixture
def week(_published_week, tmp_path) -> tuple[Path, Path]:
    """(store, folder) of a copy of the published week of the test's own (the snapshot link copied as a link)."""
    shutil.copytree(_published_week, tmp_path, dirs_exist_ok=True, symlinks=True)
    return tmp_path / "store.duckdb", tmp_path


def test_a_new_day_is_published_by_what_changed_and_the_snapshot_equals_the_store(week):
    store, root = week
    steps.ingest(store, [_write_day(root / "events", DAYS[4], extra=[("anna", C2)])], config=CONFIG)
    result = steps.check(store, config=CONFIG)
    publication = result.publication
    assert publication["how"] == "updated"
    assert publication["tables"]["events"][0] == "appended"
    assert publication["tables"]["explanations"][0] == "client-days"
    assert publication["tables"]["disclosure_events_by_client"][0] == "client-days"
    assert _differences(store, snapshot_path(store).resolve()) == {}


def test_a_store_below_the_configured_size_is_copied_whole_even_with_a_spare_free(week):
    """Below `[store] snapshot_update_from_mib` a whole copy from the page cache is the cheaper publication; it is
    still a new file behind the link, so a reader holding the old one keeps it."""
    store, root = week
    held = snapshot_path(store).resolve()
    steps.ingest(store, [_write_day(root / "events", DAYS[4], extra=[("anna", C2)])], config=CONFIG)
    large_only = {**CONFIG, "store": {**CONFIG["store"], "snapshot_update_from_mib": 1024}}
    publication = steps.check(store, config=large_only).publication
    assert publication["how"] == "copied"
    assert snapshot_path(store).resolve() != held
    assert _differences(store, snapshot_path(store).resolve()) == {}


def test_a_retro_dated_involvement_is_published_by_the_client_days_it_changed(week):
    # Anna was C2's work pair from 1 March (a personal involvement, seed 002): her reading of C2 on the new day
    # is explained after the fact, which changes explanations and the client copy on that client-day only.
    store, root = week
    steps.ingest(store, [_write_day(root / "events", DAYS[4], extra=[("anna", C2)])], config=CONFIG)
    steps.check(store, config=CONFIG)
    involvement = REFERENCE["involvement.csv"] + [[C2, "S1", "", "work_pair", "2025-03-01", ""]]
    steps.reference(store, _write_reference(root / "reference-2", {"involvement.csv": involvement}), config=CONFIG)
    result = steps.check(store, config=CONFIG)
    assert result.detail.run.scope.kind == "reference"
    assert result.publication["how"] == "updated"
    assert result.publication["tables"]["explanations"][0] == "client-days"
    assert _differences(store, snapshot_path(store).resolve()) == {}


def test_a_reader_holding_the_snapshot_is_not_disturbed_and_a_held_spare_is_never_written(week):
    store, root = week
    link = snapshot_path(store)
    held = link.resolve()
    reader = duckdb.connect(str(held), read_only=True)
    try:
        before = reader.execute("SELECT count(*), max(event_date) FROM events").fetchone()
        stat = held.stat()
        steps.ingest(store, [_write_day(root / "events", DAYS[4])], config=CONFIG)
        publication = steps.check(store, config=CONFIG).publication
        assert link.resolve() != held                                    # the dashboard's next look finds the new one
        assert reader.execute("SELECT count(*), max(event_date) FROM events").fetchone() == before
        assert (held.stat().st_mtime_ns, held.stat().st_size, held.stat().st_ino) == (
            stat.st_mtime_ns, stat.st_size, stat.st_ino)
        assert publication["how"] == "updated"                           # the other file was free
        # now every older file is held: the publish copies the store into a file of a new name
        others = [duckdb.connect(str(p), read_only=True) for _g, p in snapshot.snapshot_files(link)
                  if p.resolve() != held]
        try:
            assert publish_snapshot_detail(store, config=CONFIG)["how"] == "copied"
        finally:
            for con in others:
                con.close()
        assert reader.execute("SELECT count(*), max(event_date) FROM events").fetchone() == before
    finally:
        reader.close()
    assert _differences(store, link.resolve()) == {}


def test_a_publish_cut_short_leaves_the_last_snapshot_readable_and_the_next_one_goes_through(week, monkeypatch):
    store, root = week
    link = snapshot_path(store)
    last = link.resolve()
    steps.ingest(store, [_write_day(root / "events", DAYS[4])], config=CONFIG)

    def crash(con, table):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(snapshot, "_copy_whole", crash)
    monkeypatch.setattr(snapshot, "_differs", lambda con, table: True)
    with pytest.raises(KeyboardInterrupt):
        steps.check(store, config=CONFIG)
    monkeypatch.undo()
    assert link.resolve() == last
    con = duckdb.connect(str(link), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    con.close()
    assert publish_snapshot_detail(store, config=CONFIG)["how"] == "updated"             # the spare's transaction was rolled back
    assert _differences(store, link.resolve()) == {}


def test_a_table_no_list_names_is_copied_whole_and_a_change_without_a_journal_record_too(week):
    store, _root = week
    con = connect(store)
    try:
        con.execute("CREATE TABLE added_later (client_id VARCHAR, note VARCHAR)")   # as a new migration would
    finally:
        con.close()
    assert publish_snapshot_detail(store, config=CONFIG)["how"] == "copied"               # another schema: copied whole
    publish_snapshot_detail(store, config=CONFIG)
    con = connect(store)
    try:
        con.execute("INSERT INTO added_later VALUES ('x', 'a row')")
        # a writer that journals nothing: an explanation removed behind the check's back
        con.execute("DELETE FROM explanations WHERE rowid = (SELECT min(rowid) FROM explanations)")
        con.execute("INSERT INTO check_runs SELECT check_run_id + 100, started_at, finished_at, scope, "
                    "reference_fingerprint, max_ingest_run_id, findings_total, findings_new FROM check_runs "
                    "ORDER BY check_run_id DESC LIMIT 1")
    finally:
        con.close()
    publication = publish_snapshot_detail(store, config=CONFIG)
    assert publication["how"] == "updated"
    assert publication["tables"]["added_later"][0] == "whole"
    assert publication["tables"]["explanations"][0] == "whole"             # the journal's chain has a gap
    assert publication["tables"]["disclosure_events_by_client"][0] == "unchanged"
    assert _differences(store, snapshot_path(store).resolve()) == {}


def test_events_removed_by_a_retention_purge_are_removed_from_the_snapshot_too(week):
    store, _root = week
    con = connect(store)
    try:
        con.execute("DELETE FROM events WHERE event_date = (SELECT min(event_date) FROM events)")
    finally:
        con.close()
    publication = publish_snapshot_detail(store, config=CONFIG)
    assert publication["how"] == "updated" and publication["tables"]["events"][0] == "whole"
    assert _differences(store, snapshot_path(store).resolve()) == {}


def test_publishing_again_changes_nothing_and_keeps_a_few_files(week):
    store, _root = week
    link = snapshot_path(store)
    reader = duckdb.connect(str(link.resolve()), read_only=True)   # a dashboard holding one: a third file is made
    try:
        for _ in range(4):
            publish_snapshot_detail(store, config=CONFIG)
    finally:
        reader.close()
    for _ in range(2):
        assert publish_snapshot_detail(store, config=CONFIG)["how"] == "updated"
    assert len(snapshot.snapshot_files(link)) == snapshot.KEEP
    assert link.is_symlink() and os.readlink(link) == snapshot.snapshot_files(link)[-1][1].name
    assert _differences(store, link.resolve()) == {}
