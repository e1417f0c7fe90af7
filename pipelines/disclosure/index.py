"""A client-sorted, already enriched copy of the events, so one client's answer does not scan the store.

Call `ensure_client_index(con)` after ingest, reference import and checks (before publishing the snapshot);
`answer_events` also builds it lazily on a writable connection, and falls back to the live tables on a
read-only one while the copy is stale. DuckDB keeps min/max per row group; with the copy sorted by client_id
a look-up reads only the client's row group(s), and the worker, organisation, unit and basis joins are done
once at build time (planning those joins costs more than running them on a few thousand rows).

Measured on 10 M synthetic events, 2 000 clients, 2 cores (the busiest client has 5 230 events): the bench's
full scan 42-53 ms; the answer from the copy 7.7-8.7 ms (about 1/6 of the scan; freshness check 2 ms, the
selective scan and Arrow transfer 4 ms); the live answer (filter `events` by client_id, then join) 320 ms.
Building the copy took 90 s (2 M events: 16 s). An ART index on events(client_id) did not help: DuckDB uses
it only for look-ups of very few rows (2 M events: 22 ms with the index vs 26 ms without).
"""

from __future__ import annotations

import duckdb

from ..ingest.engine import _steps
from ..sqlfiles import read_sql


def enrich_sql() -> str:
    """The enrichment query (sql/disclosure/enrich.sql) over the temp relation `disclosure_rows`."""
    return read_sql("disclosure/enrich.sql")


def index_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the copy exists and was built from what the store holds now."""
    try:
        rows = con.execute(read_sql("disclosure/index_state.sql")).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):  # never built, or built by an older version
        return False
    return bool(rows and rows[0][0])


def ensure_client_index(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> bool:
    """(Re)build the client-sorted copy when it is missing or stale; returns True when it was built."""
    if not force and index_is_fresh(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(read_sql("disclosure/all_rows.sql"))
        for _name, sql in _steps("disclosure/client_index.sql"):
            con.execute(sql.replace("__ENRICH__", enrich_sql()))
        con.execute("DROP VIEW disclosure_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True
