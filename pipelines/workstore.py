"""The work store: review state, the request register and the dashboard's own access log.

It is a small SQLite file beside the DuckDB store (`<store>.work.sqlite`). DuckDB allows one writing
process per file, and the pipeline may hold the main store for minutes; the dashboard's sessions and
the CLI write here instead, each for a moment (WAL mode, busy timeout), and the pipeline reads it:
review status joins findings by finding_id, and the access log becomes events of source `lokivahti`
so that the auditors are audited by the same rules.
"""

from __future__ import annotations

import hashlib
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
    _ensure_chain_columns(con)
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


# The fields a row's hash covers, in order (the chain: sha256(previous hash + these), see log_access).
CHAINED = ("id", "at", "user_name", "role", "action", "page", "client_id", "staff_id", "provider_id",
           "recipient", "session_id", "outcome", "detail")
GENESIS = "0" * 64


def _ensure_chain_columns(con: sqlite3.Connection) -> None:
    """sql/work/003_own_use_chain.sql, once (SQLite has no ADD COLUMN IF NOT EXISTS)."""
    present = {r[1] for r in con.execute("PRAGMA table_info(app_access_log)").fetchall()}
    if "row_hash" not in present:
        try:
            con.executescript("BEGIN IMMEDIATE;\n" + read_sql("work/003_own_use_chain.sql") + "\nCOMMIT;")
        except sqlite3.OperationalError as exc:  # another process added them first
            if con.in_transaction:
                con.execute("ROLLBACK")
            if "duplicate column" not in str(exc):
                raise


def row_hash(previous: str, row: dict) -> str:
    text = previous + "\x1e" + "\x1f".join("" if row.get(c) is None else str(row[c]) for c in CHAINED)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def log_access(path, *, user_name: str, role: str, action: str, page: str | None = None,
               client_id: str | None = None, staff_id: str | None = None, provider_id: str | None = None,
               recipient: str | None = None, session_id: str | None = None, outcome: str | None = None,
               detail: str | None = None) -> int:
    """Write one use of Lokivahti itself, chained to the row before it; returns its id.

    The chain is written under SQLite's write lock (BEGIN IMMEDIATE), so concurrent sessions take turns
    and every row links to the one really before it."""
    with closing(connect_work(path)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            previous = con.execute(
                "SELECT row_hash FROM app_access_log WHERE row_hash IS NOT NULL ORDER BY id DESC LIMIT 1"
            ).fetchone()
            row = {"at": _now(), "user_name": user_name, "role": role, "action": action, "page": page,
                   "client_id": client_id, "staff_id": staff_id, "provider_id": provider_id,
                   "recipient": recipient, "session_id": session_id, "outcome": outcome, "detail": detail}
            cur = con.execute(
                f"INSERT INTO app_access_log ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            row["id"] = int(cur.lastrowid)
            con.execute("UPDATE app_access_log SET row_hash = ? WHERE id = ?",
                        [row_hash(previous[0] if previous else GENESIS, row), row["id"]])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return row["id"]


def verify_access_chain(path) -> tuple[int, int, int | None]:
    """(rows, rows from before the chain, id of the first row that breaks it or None)."""
    if not Path(path).exists():
        return 0, 0, None
    with closing(connect_work(path)) as con:
        cur = con.execute(f"SELECT {', '.join(CHAINED)}, row_hash FROM app_access_log ORDER BY id")
        previous, rows, unchained = None, 0, 0
        for values in cur:
            rows += 1
            row = dict(zip(CHAINED, values[:-1], strict=True))
            stored = values[-1]
            if stored is None and previous is None:
                unchained += 1  # written before the chain existed
                continue
            if stored is None or stored != row_hash(previous or GENESIS, row):
                return rows, unchained, int(row["id"])
            previous = stored
        return rows, unchained, None


def access_log(path, after_id: int = 0) -> pl.DataFrame:
    cols = ("id", "at", "user_name", "role", "action", "page", "client_id", "staff_id", "provider_id",
            "recipient", "session_id", "outcome", "detail")
    if not Path(path).exists():
        return pl.DataFrame(schema={c: (pl.Int64 if c == "id" else pl.Utf8) for c in cols})
    with closing(connect_work(path)) as con:
        rows = con.execute(f"SELECT {', '.join(cols)} FROM app_access_log WHERE id > ? ORDER BY id", [after_id]).fetchall()
    return pl.DataFrame(rows, schema={c: (pl.Int64 if c == "id" else pl.Utf8) for c in cols}, orient="row")
