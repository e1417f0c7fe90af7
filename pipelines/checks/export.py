"""Findings for export (CSV or JSON) with their latest review status and every event's source ids.

CSV cells that a spreadsheet would read as a formula (starting with =, +, -, @, or a tab/CR) are
neutralised with a leading apostrophe: log data is untrusted.
"""

from __future__ import annotations

import csv
import io
import json

import polars as pl

from ..safe_cells import neutralise_text
from ..sqlfiles import frame_of_file

CSV_COLUMNS = (
    "finding_id", "rule_id", "category", "severity", "status", "account", "staff_id", "client_id",
    "organisation_id", "first_time", "last_time", "event_date", "event_count", "source_events",
)
neutralise = neutralise_text  # the one guard (pipelines/safe_cells.py), kept under its old name here


def findings_frame(con, reviews: pl.DataFrame, *, status: str | None = None, category: str | None = None,
                   rule: str | None = None) -> pl.DataFrame:
    frame = frame_of_file(con, "checks/_findings_export.sql", {"category": category, "rule": rule})
    latest = reviews.select("finding_id", pl.col("status").alias("review_status")) if not reviews.is_empty() \
        else pl.DataFrame(schema={"finding_id": pl.Utf8, "review_status": pl.Utf8})
    frame = frame.join(latest, on="finding_id", how="left").with_columns(
        pl.col("review_status").fill_null("new").alias("status")).drop("review_status")
    if status:
        frame = frame.filter(pl.col("status") == status)
    return frame


def _events_text(events) -> str:
    return " ".join(f"{e['source_system']}:{e['source_event_id']}" for e in (events or []))


def to_csv(frame: pl.DataFrame) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in frame.iter_rows(named=True):
        row = dict(r, source_events=_events_text(r["events"]))
        writer.writerow([neutralise(row.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def to_json(frame: pl.DataFrame) -> str:
    items = []
    for r in frame.iter_rows(named=True):
        items.append({
            "finding_id": r["finding_id"], "rule_id": r["rule_id"], "category": r["category"],
            "severity": r["severity"], "status": r["status"],
            "user": {"account": r["account"], "staff_id": r["staff_id"]},
            "client_id": r["client_id"], "organisation_id": r["organisation_id"],
            "first_time": r["first_time"].isoformat() if r["first_time"] else None,
            "last_time": r["last_time"].isoformat() if r["last_time"] else None,
            "event_date": r["event_date"].isoformat() if r["event_date"] else None,
            "event_count": r["event_count"], "finding_key": r["finding_key"],
            "evidence": json.loads(r["evidence"]) if r["evidence"] else None,
            "events": [dict(e) for e in (r["events"] or [])],
        })
    return json.dumps(items, ensure_ascii=False, indent=1)
