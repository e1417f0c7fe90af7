"""The work store: review state, the request register and the dashboard's own access log.

It is a small SQLite file beside the DuckDB store (`<store>.work.sqlite`). DuckDB allows one writing
process per file, and the pipeline may hold the main store for minutes; the dashboard's sessions and
the CLI write here instead, each for a moment (WAL mode, busy timeout), and the pipeline reads it:
review status joins findings by finding_id, and the access log becomes events of source `lokivahti`
so that the auditors are audited by the same rules.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from .sqlfiles import read_sql
from .store import store_path, work_store_path

REVIEW_STATUSES = ("new", "under_review", "explained", "violation_confirmed", "false_positive")


def work_path_for(store: str | Path | None = None) -> Path:
    return work_store_path(store_path(store))


def connect_work(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    if new:
        path.chmod(0o600)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA busy_timeout=30000")
    con.executescript(read_sql("work/001_work.sql"))
    con.execute("INSERT OR IGNORE INTO work_schema_version VALUES (1, ?)", [_now()])
    return con


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_review(path, finding_id: str, status: str, actor: str, assignee: str | None = None,
                  note: str | None = None) -> None:
    """Append a review change; the history is never rewritten."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    with closing(connect_work(path)) as con:
        con.execute(
            "INSERT INTO review_log (finding_id, status, assignee, note, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
            [finding_id, status, assignee, note, actor, _now()],
        )


def current_reviews(path) -> pl.DataFrame:
    """The latest review row per finding: finding_id, status, assignee, note, actor, at."""
    schema = {c: pl.Utf8 for c in ("finding_id", "status", "assignee", "note", "actor", "at")}
    if not Path(path).exists():
        return pl.DataFrame(schema=schema)
    with closing(connect_work(path)) as con:
        rows = con.execute(
            "SELECT finding_id, status, assignee, note, actor, at FROM review_log r "
            "WHERE id = (SELECT max(id) FROM review_log WHERE finding_id = r.finding_id)"
        ).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def review_history(path, finding_id: str) -> pl.DataFrame:
    schema = {c: pl.Utf8 for c in ("status", "assignee", "note", "actor", "at")}
    if not Path(path).exists():
        return pl.DataFrame(schema=schema)
    with closing(connect_work(path)) as con:
        rows = con.execute(
            "SELECT status, assignee, note, actor, at FROM review_log WHERE finding_id = ? ORDER BY id",
            [finding_id],
        ).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def log_access(path, *, user_name: str, role: str, action: str, page: str | None = None,
               client_id: str | None = None, staff_id: str | None = None, provider_id: str | None = None,
               recipient: str | None = None, session_id: str | None = None) -> int:
    """Write one look-up made through Lokivahti itself; returns its id."""
    with closing(connect_work(path)) as con:
        cur = con.execute(
            "INSERT INTO app_access_log (at, user_name, role, action, page, client_id, staff_id, provider_id, "
            "recipient, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_now(), user_name, role, action, page, client_id, staff_id, provider_id, recipient, session_id],
        )
        return int(cur.lastrowid)


def access_log(path, after_id: int = 0) -> pl.DataFrame:
    cols = ("id", "at", "user_name", "role", "action", "page", "client_id", "staff_id", "provider_id",
            "recipient", "session_id")
    if not Path(path).exists():
        return pl.DataFrame(schema={c: (pl.Int64 if c == "id" else pl.Utf8) for c in cols})
    with closing(connect_work(path)) as con:
        rows = con.execute(f"SELECT {', '.join(cols)} FROM app_access_log WHERE id > ? ORDER BY id", [after_id]).fetchall()
    return pl.DataFrame(rows, schema={c: (pl.Int64 if c == "id" else pl.Utf8) for c in cols}, orient="row")
