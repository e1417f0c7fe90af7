"""Lokivahti's own use log becomes events of source `lokivahti`, so the auditors are audited by the same
rules as everyone else — and nobody can switch that off or forge it.

- Its own sequence: the rows already imported are remembered in the store (`own_log_import`, the last
  work-store id imported), never derived from the largest id among events, which an ingested file could
  once set. The source name is reserved: the engine refuses any other file claiming it.
- Hash-chained: every row of the work store's app_access_log carries sha256(previous hash, its fields)
  (pipelines/workstore.py); `verify_chain` finds the first row edited, deleted or inserted out of turn,
  and `lokivahti status` runs it. Rows already imported must still be in the log, so cutting its tail
  shows too.
- Tied to staff: a dashboard user is an account of source `lokivahti` in accounts.csv like any other
  system's user (docs/dashboard.md). A user without that row is a configuration error reported by the
  import, not an "unknown account" finding on every look-up they make.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import workstore
from ..signin import UNKNOWN_USER
from ..sqlfiles import statement
from ..workstore import access_log, log_access
from .engine import ingest_file
from .records import CANONICAL_COLUMNS, RESERVED_SOURCE

SOURCE_SYSTEM = RESERVED_SOURCE
_CANONICAL_ACTIONS = {"read", "search", "create", "update", "delete", "print", "export", "disclose"}


def _q(name: str) -> str:
    return statement("ingest/own_log.sql", name)


def _ensure_state(con) -> None:
    con.execute(_q("state"))


def last_imported_id(con) -> int:
    """The last work-store row imported into this store (its own sequence; 0 for a new store)."""
    _ensure_state(con)
    row = con.execute(_q("last_id")).fetchone()
    return int(row[0] or 0)


def _row(r: dict) -> dict:
    action = r["action"] if r["action"] in _CANONICAL_ACTIONS else "other"
    return {
        "source_system": SOURCE_SYSTEM,
        "source_event_id": str(r["id"]),
        "event_time": r["at"],
        "account": r["user_name"],
        "client_id": r["client_id"] or "",
        "action": action,
        # sign-ins, lock-outs and purges are `other` actions: the page says which
        "document": r["page"] or ("" if action == r["action"] else r["action"]),
        "purpose": "supervision" if r["role"] == "supervision" else "other_task",
        "channel": "native",
        "recipient_organisation_id": (r["recipient"] or "") if action == "disclose" else "",
        "outcome": r.get("outcome") or "success",
        "session_id": r["session_id"] or "",
        "data_description": r.get("detail") or "",
    }


@dataclass
class OwnLogImport:
    rows: int
    unknown_users: list[str]


def unknown_users(con, users: set[str]) -> list[str]:
    """Dashboard users with no accounts.csv row of source `lokivahti` pointing at a staff record."""
    if not users:
        return []
    known = {r[0] for r in con.execute(_q("known_accounts"), {"s": SOURCE_SYSTEM}).fetchall()}
    return sorted(users - known)


def import_app_access_log(con, work_path: Path, config: dict) -> OwnLogImport:
    """Ingest the rows of the own use log after this store's last imported one."""
    after = last_imported_id(con)
    frame = access_log(work_path, after)
    if frame.is_empty():
        return OwnLogImport(0, [])
    with tempfile.TemporaryDirectory(prefix="lokivahti-applog-") as tmp:
        path = Path(tmp) / "lokivahti_app_access.csv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds client ids
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
            writer.writeheader()
            for r in frame.iter_rows(named=True):
                writer.writerow({c: "" for c in CANONICAL_COLUMNS} | _row(r))
        ingest_file(con, path, config=config, own_log=True)
    last = int(frame["id"].max())
    con.execute(_q("mark_imported"), {"last": last})
    people = set(frame["user_name"].to_list()) - {UNKNOWN_USER}  # a failed sign-in under a name that is no user
    return OwnLogImport(frame.height, unknown_users(con, people))


def log_own_use(work_path: Path, *, action: str, page: str, user_name: str | None = None,
                role: str = "cli", outcome: str = "success", detail: str | None = None,
                client_id: str | None = None) -> int:
    """One use of Lokivahti outside the dashboard (a CLI export, a purge): who ran it, what it was."""
    return log_access(work_path, user_name=user_name or os_user(), role=role, action=action, page=page,
                      client_id=client_id, outcome=outcome, detail=detail)


def os_user() -> str:
    """The operating-system account running the command (the CLI has no sign-in of its own)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover - not on POSIX
        return os.environ.get("USER") or "unknown"


@dataclass
class ChainReport:
    rows: int
    unchained: int             # rows written before the chain existed (no hash): reported, not trusted
    broken_at: int | None      # the id of the first row whose hash does not follow
    missing_imported: int      # rows this store imported that the log no longer holds

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.missing_imported == 0


def verify_chain(work_path: Path, con=None) -> ChainReport:
    """Recompute the chain of the own use log; with the store, also check no imported row is gone."""
    rows, unchained, broken = workstore.verify_access_chain(work_path)
    missing = 0
    if con is not None:
        ids = set(access_log(work_path)["id"].to_list())
        imported = [int(r[0]) for r in con.execute(_q("imported_ids"), {"s": SOURCE_SYSTEM}).fetchall() if r[0] is not None]
        missing = sum(1 for i in imported if i not in ids)
    return ChainReport(rows, unchained, broken, missing)
