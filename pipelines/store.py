"""The DuckDB store: opening, migrating, and publishing a read-only snapshot for the dashboard.

DuckDB lets one process write a database file. The pipeline (ingest, check, score) is that writer;
after each step it publishes a snapshot copy that the dashboard reads, so the dashboard keeps working
while a long ingest runs. Review state, the request register and the dashboard's own access log live
in a separate work store (see pipelines/workstore.py) that both sides open briefly.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .errors import StoreError
from .safe_files import owner_only_umask
from .sqlfiles import sql_files, statement, steps, transaction

DEFAULT_STORE = "lokivahti.duckdb"


def store_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("LOKIVAHTI_STORE") or DEFAULT_STORE)


def snapshot_path(path: Path) -> Path:
    return path.with_name(path.stem + ".published.duckdb")


def work_store_path(path: Path) -> Path:
    return path.with_name(path.stem + ".work.sqlite")


def migrations() -> list[tuple[int, str, str]]:
    """(version, title, sql) for every file in sql/schema, in order."""
    out = []
    for f in sql_files("schema"):
        out.append((int(f.meta["migration"]), f.meta.get("title", f.name), f.sql))
    versions = [v for v, _, _ in out]
    if versions != sorted(set(versions)):
        raise StoreError("sql/schema: migration numbers must be unique and ordered")
    return out


def latest_version() -> int:
    return migrations()[-1][0]


def migrate(con: duckdb.DuckDBPyConnection, up_to: int | None = None) -> list[int]:
    """Apply every migration newer than the store's version; returns the versions applied."""
    query = dict(steps("store/schema_version.sql"))
    con.execute(query["create"])
    current = con.execute(query["current"]).fetchone()[0]
    known = latest_version()
    if current > known:
        raise StoreError(f"store schema version {current} is newer than this Lokivahti ({known}); upgrade Lokivahti")
    pending = [(v, t, sql) for v, t, sql in migrations() if v > current and (up_to is None or v <= up_to)]
    # every pending migration in one transaction: a store is upgraded (or created) whole or not at all, and a new
    # store costs one commit instead of one per migration
    if not pending:
        return []
    with transaction(con):
        for version, title, sql in pending:
            con.execute(sql)
            con.execute(query["applied"], {"version": version, "title": title, "applied_at": datetime.now(UTC)})
    return [version for version, _title, _sql in pending]


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(statement("store/session.sql", "utc"))


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False, migrate_schema: bool = True,
            config: dict | None = None):
    """Open the store (creating it owner-only when new) and bring its schema up to date. With `config`, the
    connection works under its `[store]` memory_limit, spill folder and threads (pipelines/resources.py): every
    step opens its connection so, so no step (a scoring run, the client copy's build, a publish) runs under
    DuckDB's default of 80 % of the machine's memory."""
    p = store_path(path)
    owner_only_umask()  # the write-ahead log and temporary files DuckDB creates hold identity codes too
    if read_only and not p.exists():
        raise StoreError(f"{p}: no store here yet (run `lokivahti reference` and `lokivahti ingest` first)")
    new = not p.exists()
    if new:
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(f"{p}: cannot open the store ({str(exc).splitlines()[0]})") from None
    if new:
        os.chmod(p, 0o600)  # the audit store holds special-category data
    _configure(con)
    if config is not None:
        from .resources import apply_limits

        apply_limits(con, config)
    if migrate_schema and not read_only:
        migrate(con)
    return con


@contextmanager
def open_store(path=None, *, read_only: bool = False, config: dict | None = None):
    con = connect(path, read_only=read_only, config=config)
    try:
        yield con
    finally:
        con.close()


def publish_snapshot(path: str | os.PathLike | None = None, *, config: dict) -> Path:
    """Publishes the store as the snapshot the dashboard reads (pipelines/snapshot.py: an older snapshot file no
    reader holds is brought up to date by what changed, then the link is switched to it atomically; a whole copy
    when that cannot be done). Returns the link the dashboard opens."""
    return publish_snapshot_detail(path, config=config)["link"]


def snapshot_update_from_bytes(config: dict) -> int:
    """`[store] snapshot_update_from_mib`, in bytes: a store smaller than that is published by a whole copy (cheaper
    than bringing a spare up to date while the file fits the page cache); 0 = always try the update. Every caller
    passes its configuration, so the steps, the dashboard and the bench publish alike."""
    return int(float(config.get("store", {}).get("snapshot_update_from_mib", 0) or 0) * 2**20)


def publish_snapshot_detail(path: str | os.PathLike | None = None, *, config: dict) -> dict:
    """publish_snapshot, returning what it did too: {"link", "file", "how" ("updated" or "copied"), "tables"}."""
    from .snapshot import publish

    p = store_path(path)
    link = snapshot_path(p)
    with open_store(p, config=config) as con:
        con.execute(statement("store/session.sql", "checkpoint"))
        result = publish(con, p, link, update_from_bytes=snapshot_update_from_bytes(config))
    return {"link": link, **result}
