"""A county generated straight into a store holds what ingesting its CSV files would hold.

The extra-large benchmark county (~100 M events) is written into the store month by month instead of as
~15 GB of CSV files (docs/benchmarks.md). That shortcut is only honest if the store it leaves is the store
`lokivahti reference` + `lokivahti ingest` of the same county's files leave: the same events with the same
ids, instants (the Helsinki wall-clock time read as ingest reads it, docs/time.md), units, record numbers
and one ingest run per (source, month) file with a balanced tally.
"""

from __future__ import annotations

import pytest

from pipelines.generate.vectorised import generate_vectorised
from pipelines.ingest.engine import ingest_files
from pipelines.reference import import_reference
from pipelines.sqlfiles import frame
from pipelines.store import connect

# every stored column of an event, with its run named by its file (run ids are numbered in ingest order)
_EVENTS = ("SELECT e.* EXCLUDE (run_id), r.file_name, r.source_system AS run_source, r.records_read, "
           "r.normalised_new, r.quarantined, r.status FROM events e JOIN ingest_runs r USING (run_id)")


@pytest.mark.slow
def test_a_county_generated_into_the_store_is_the_store_its_files_ingest_into(tmp_path):
    files = generate_vectorised("small", 5, tmp_path / "files")
    ingested = connect(tmp_path / "ingested.duckdb")
    import_reference(ingested, tmp_path / "files" / "reference")
    tallies = ingest_files(ingested, sorted((tmp_path / "files" / "events").rglob("*.csv")))
    assert sum(t.quarantined for t in tallies) == 0

    direct = generate_vectorised("small", 5, tmp_path / "direct", store=tmp_path / "direct.duckdb")
    assert direct.events == files.events and direct.files == files.files
    assert not (tmp_path / "direct" / "events").exists()  # no CSV written: that is the point
    stored = connect(tmp_path / "direct.duckdb")

    want = frame(ingested, _EVENTS).sort(["source_system", "source_event_id"])
    got = frame(stored, _EVENTS).sort(["source_system", "source_event_id"])
    assert want.height == sum(files.events.values()) > 30_000
    assert got.columns == want.columns
    assert got.equals(want)
    # the generator ran on the store's own connection: nothing of its own stays in the store, and each month's
    # events lie together, as a batch of ingested files does (a check reading a few days skips the other row groups)
    kept = stored.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    assert not [t for (t,) in kept if t.startswith(("gen_", "g_"))]
    spans = stored.execute("SELECT count(*), max(rowid) - min(rowid) + 1 FROM events "
                           "GROUP BY date_trunc('month', event_local)").fetchall()
    assert len(spans) == 3 and all(n == span for n, span in spans)
    # the reference data the checks join against is the same import of the same folder
    for table in ("ref_staff", "ref_accounts", "ref_involvement", "ref_clients"):
        q = f"SELECT * FROM {table} ORDER BY ALL"
        assert stored.execute(q).fetchall() == ingested.execute(q).fetchall(), table
    stored.close()
    ingested.close()
