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

from .sqlfiles import read_sql, run_script, write_transaction
from .sqlfiles import statement as _statement
from .store import store_path, work_store_path

REVIEW_STATUSES = ("new", "under_review", "explained", "violation_confirmed", "false_positive")


def _q(name: str) -> str:
    return _statement("work/queries.sql", name)


def work_path_for(store: str | Path | None = None) -> Path:
    return work_store_path(store_path(store))


def connect_work(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    if new:
        path.chmod(0o600)
    con.execute(_q("wal"))
    con.execute(_q("busy_timeout"))
    con.executescript(read_sql("work/001_work.sql"))
    con.execute(_q("schema_version"), [_now()])
    _ensure_chain_columns(con)
    if "version" not in {row[1] for row in con.execute(_q("review_log_columns"))}:
        run_script(con, "work/006_review_version.sql")
    return con


class ReviewConflict(Exception):
    """Someone else saved a review of the finding after the version the caller saw."""

    def __init__(self, finding_id: str, version: int, actor: str, at: str):
        super().__init__(f"finding {finding_id} changed by {actor} at {at} (version {version})")
        self.finding_id, self.version, self.actor, self.at = finding_id, version, actor, at


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_reviews(path, finding_ids, status: str, actor: str, seen: dict[str, int],
                   assignee: str | None = None, note: str | None = None) -> tuple[int, int]:
    """One review change for each finding (bulk triage); returns (saved, skipped).

    Each save names the version the reviewer saw (`seen`, finding id -> version); a finding changed by someone
    else meanwhile is skipped, not overwritten, and counted so the page can say so."""
    done = skipped = 0
    for fid in finding_ids:
        try:
            record_review(path, fid, status, actor=actor, assignee=assignee, note=note,
                          expected_version=int(seen.get(fid) or 0))
            done += 1
        except ReviewConflict:
            skipped += 1
    return done, skipped


def record_review(path, finding_id: str, status: str, actor: str, assignee: str | None = None,
                  note: str | None = None, expected_version: int | None = None) -> int:
    """Append a review change and return its version (1 for a finding's first review); the history is never
    rewritten.

    With `expected_version` (the version the reviewer saw; 0 = never reviewed) the change is refused with
    ReviewConflict when someone saved in between, so two editors cannot silently overwrite each other.
    """
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    # one writer at a time: read the version and write the next as one step
    with closing(connect_work(path)) as con, write_transaction(con):
        last = con.execute(_q("last_review"), [finding_id]).fetchone()
        current = int(last[0]) if last else 0
        if expected_version is not None and expected_version != current:
            raise ReviewConflict(finding_id, current, last[1], last[2])
        con.execute(_q("add_review"), [finding_id, status, assignee, note, actor, _now(), current + 1])
    return current + 1


def review_version(path, finding_id: str) -> int:
    """The finding's current review version (0 when it was never reviewed)."""
    if not Path(path).exists():
        return 0
    with closing(connect_work(path)) as con:
        row = con.execute(_q("review_version"), [finding_id]).fetchone()
    return int(row[0] or 0)


def rows_frame(path, query: str, params: list, schema: dict, connect=None) -> pl.DataFrame:
    """The rows of one work-store query as a frame of `schema`; empty when there is no work store yet (a read
    never creates one). `connect` opens it with a room's own columns added (default: connect_work)."""
    if path is None or not Path(path).exists():
        return pl.DataFrame(schema=schema)
    with closing((connect or connect_work)(path)) as con:
        rows = con.execute(query, params).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def current_reviews(path) -> pl.DataFrame:
    """The latest review row per finding: finding_id, status, assignee, note, actor, at, version."""
    schema = {c: pl.Utf8 for c in ("finding_id", "status", "assignee", "note", "actor", "at")} | {"version": pl.Int64}
    return rows_frame(path, _q("current_reviews"), [], schema)


def review_history(path, finding_id: str) -> pl.DataFrame:
    schema = {c: pl.Utf8 for c in ("status", "assignee", "note", "actor", "at")}
    return rows_frame(path, _q("review_history"), [finding_id], schema)


# The fields a row's hash covers, in order (the chain: sha256(previous hash + these), see log_access).
CHAINED = ("id", "at", "user_name", "role", "action", "page", "client_id", "staff_id", "provider_id",
           "recipient", "session_id", "outcome", "detail")
GENESIS = "0" * 64


def _ensure_chain_columns(con: sqlite3.Connection) -> None:
    """sql/work/003_own_use_chain.sql, once (SQLite has no ADD COLUMN IF NOT EXISTS)."""
    present = {r[1] for r in con.execute(_q("access_log_columns")).fetchall()}
    if "row_hash" not in present:
        try:
            run_script(con, "work/003_own_use_chain.sql")
        except sqlite3.OperationalError as exc:  # another process added them first
            if con.in_transaction:
                con.execute("ROLLBACK")
            if "duplicate column" not in str(exc):
                raise


def row_hash(previous: str, row: dict) -> str:
    text = previous + "\x1e" + "\x1f".join("" if row.get(c) is None else str(row[c]) for c in CHAINED)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def review_history_of(path, finding_ids: list[str]) -> pl.DataFrame:
    """The review history of several findings (a case), oldest first."""
    schema = {c: pl.Utf8 for c in ("finding_id", "status", "assignee", "note", "actor", "at")} | {"version": pl.Int64}
    if not Path(path).exists() or not finding_ids:
        return pl.DataFrame(schema=schema)
    with closing(connect_work(path)) as con:
        con.execute(_q("wanted_table"))
        con.executemany(_q("wanted_row"), [(f,) for f in finding_ids])
        rows = con.execute(_q("review_history_of_wanted")).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")




def log_access(path, *, user_name: str, role: str, action: str, page: str | None = None,
               client_id: str | None = None, staff_id: str | None = None, provider_id: str | None = None,
               recipient: str | None = None, session_id: str | None = None, outcome: str | None = None,
               detail: str | None = None) -> int:
    """Write one use of Lokivahti itself, chained to the row before it; returns its id.

    The chain is written under SQLite's write lock (BEGIN IMMEDIATE), so concurrent sessions take turns
    and every row links to the one really before it."""
    return log_accesses(path, [{"user_name": user_name, "role": role, "action": action, "page": page,
                                "client_id": client_id, "staff_id": staff_id, "provider_id": provider_id,
                                "recipient": recipient, "session_id": session_id, "outcome": outcome,
                                "detail": detail}])[0]


def log_accesses(path, rows: list[dict]) -> list[int]:
    """Write several uses of Lokivahti in one write transaction (each row as log_access takes it, chained in
    order): a page that shows many clients at once records one row per client without one commit each."""
    if not rows:
        return []
    with closing(connect_work(path)) as con, write_transaction(con):
        return [append_access(con, **row) for row in rows]


def append_access(con, *, user_name: str, role: str, action: str, page: str | None = None,
                  client_id: str | None = None, staff_id: str | None = None, provider_id: str | None = None,
                  recipient: str | None = None, session_id: str | None = None, outcome: str | None = None,
                  detail: str | None = None) -> int:
    """Append one chained own-use row on a work-store connection whose write transaction the caller holds
    (so a disclosure's log row commits or rolls back with the answer it records)."""
    previous = con.execute(_q("last_row_hash")).fetchone()
    row = {"at": _now(), "user_name": user_name, "role": role, "action": action, "page": page,
           "client_id": client_id, "staff_id": staff_id, "provider_id": provider_id,
           "recipient": recipient, "session_id": session_id, "outcome": outcome, "detail": detail}
    cur = con.execute(_q("add_access"), list(row.values()))  # the file's columns are row's keys, in order
    row["id"] = int(cur.lastrowid)
    con.execute(_q("set_row_hash"),
                [row_hash(previous[0] if previous else GENESIS, row), row["id"]])
    return row["id"]


def verify_access_chain(path) -> tuple[int, int, int | None]:
    """(rows, rows from before the chain, id of the first row that breaks it or None)."""
    if not Path(path).exists():
        return 0, 0, None
    with closing(connect_work(path)) as con:
        cur = con.execute(_q("chained_rows"))  # CHAINED, then row_hash
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
    return rows_frame(path, _q("access_log_after"), [after_id],
                      {c: (pl.Int64 if c == "id" else pl.Utf8) for c in cols})
