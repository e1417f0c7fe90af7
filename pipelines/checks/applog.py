"""The dashboard's own access log becomes events of source `lokivahti`, so the auditors are audited by
the same rules as everyone else.

Rows of the work store's app_access_log newer than the last imported one are written to a temporary
canonical CSV (owner-only; it holds client ids) and ingested like any other log file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from ..ingest.engine import ingest_file
from ..ingest.records import CANONICAL_COLUMNS
from ..workstore import access_log

SOURCE_SYSTEM = "lokivahti"
_CANONICAL_ACTIONS = {"read", "search", "create", "update", "delete", "print", "export", "disclose"}


def last_imported_id(con) -> int:
    row = con.execute(
        "SELECT max(try_cast(source_event_id AS BIGINT)) FROM events WHERE source_system = ?", [SOURCE_SYSTEM]
    ).fetchone()
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
        "document": r["page"] or "",
        "purpose": "supervision" if r["role"] == "supervision" else "other_task",
        "channel": "native",
        "recipient_organisation_id": (r["recipient"] or "") if action == "disclose" else "",
        "outcome": "success",
        "session_id": r["session_id"] or "",
    }


def import_app_access_log(con, work_path: Path, config: dict) -> int:
    """Ingest the new rows of the app access log; returns how many rows were read."""
    frame = access_log(work_path, last_imported_id(con))
    if frame.is_empty():
        return 0
    with tempfile.TemporaryDirectory(prefix="lokivahti-applog-") as tmp:
        os.chmod(tmp, 0o700)
        path = Path(tmp) / "lokivahti_app_access.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
            writer.writeheader()
            for r in frame.iter_rows(named=True):
                # the store's own controller, said explicitly: a defaulted controller is a log-content finding
                writer.writerow({c: "" for c in CANONICAL_COLUMNS} | _row(r)
                                | {"controller_id": config["store"]["home_controller"]})
        ingest_file(con, path, config=config)
    return frame.height
