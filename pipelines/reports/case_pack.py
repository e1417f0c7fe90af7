"""One person's case as evidence: a CSV of every finding and the events behind it, and a PDF that summarises the
case and states the CSV's SHA-256, so whoever receives the pair can show the spreadsheet is the one the
data protection officer exported (the hash is recomputed by anyone with `sha256sum`).

Cells from log data are neutralised against spreadsheet formula injection; texts follow the chosen language.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ..safe_cells import neutralise
from . import labels
from .queries import open_snapshot, run

MAX_EVENTS = 100_000

def _t(key: str, lang: str, **fmt) -> str:
    return labels.text("case_pack", key, lang, **fmt)  # labels.toml [case_pack]


@dataclass
class CasePack:
    csv_name: str
    csv_bytes: bytes
    sha256: str
    pdf_name: str
    pdf_bytes: bytes
    rows: int


def case_csv(findings: pl.DataFrame, events: pl.DataFrame, days: pl.DataFrame, statuses: dict[str, str]) -> bytes:
    """One row per event of each finding (finding columns repeated), then one row per flagged day."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = ["kind", "finding_id", "rule_id", "severity", "review_status", "day", "event_time", "source_system",
              "source_event_id", "account", "client_id", "action", "service_task", "document", "purpose",
              "channel", "organisation_id", "unit_id", "recipient_organisation_id", "score", "explanation"]
    writer.writerow(header)
    by_id = {r["finding_id"]: r for r in findings.iter_rows(named=True)}
    for e in events.iter_rows(named=True):
        f = by_id.get(e["finding_id"], {})
        writer.writerow([neutralise(v) for v in (
            "event", e["finding_id"], e["rule_id"], f.get("severity"), statuses.get(e["finding_id"], "new"),
            labels.date_text(f.get("day")), labels.datetime_text(e["event_local"]), e["source_system"],
            e["source_event_id"], e["account"], e["client_id"], e["action"], e["service_task"], e["document"],
            e["purpose"], e["channel"], e["organisation_id"], e["unit_id"], e["recipient_organisation_id"], "", "")])
    for d in days.iter_rows(named=True):
        writer.writerow([neutralise(v) for v in (
            "flagged_day", "", "model_anomaly", "", "", labels.date_text(d["day"]), "", "", "", "", "", "", "", "",
            "", "", "", "", "", f"{d['score']:.3f}", d["explanation_fi"] or "")])
    return buf.getvalue().encode("utf-8")


def build_case_pack(snapshot: Path, staff_id: str, *, person: str, statuses: dict[str, str], history: pl.DataFrame,
                    lang: str = "fi", author: str = "") -> CasePack:
    """The CSV (with its SHA-256) and the PDF of one person's case."""
    con = open_snapshot(snapshot)
    try:
        findings = run(con, "case_findings", staff_id=staff_id)
        days = run(con, "case_days", staff_id=staff_id)
        events = run(con, "case_events", staff_id=staff_id, max_rows=MAX_EVENTS)
    finally:
        con.close()
    data = case_csv(findings, events, days, statuses)
    sha = hashlib.sha256(data).hexdigest()
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    csv_name = f"tapaus_{staff_id}_{stamp}.csv"
    rows = events.height + days.height

    from .pdf import ReportPdf  # the PDF library (about a second to import) only when a pack is built

    pdf = ReportPdf(f"Lokivahti · {_t('title', lang)} · {person}")
    pdf.h1(f"{_t('title', lang)}: {person}")
    pdf.para(f"{_t('made', lang)} {labels.date_text(datetime.now(UTC).date(), lang)}"
             + (f", {_t('by', lang)} {author}" if author else "") + ".")
    pdf.h2(_t("summary", lang))
    pdf.para(_t("counts", lang, f=findings.height, d=days.height, e=events.height))
    pdf.h2(_t("findings", lang))
    shown = findings.with_columns(
        pl.col("finding_id").replace_strict(statuses, default="new").alias("status")
    ).select("day", "rule_id", "severity", "status", "organisation_name", "event_count")
    pdf.table(labels.display_frame(shown, lang), max_rows=200)
    pdf.h2(_t("days", lang))
    explanation = "explanation_en" if lang == "en" else "explanation_fi"
    pdf.table(labels.display_frame(days.select("day", pl.col("score").round(3), pl.col(explanation)
                                               .alias("explanation")), lang), max_rows=200)
    pdf.h2(_t("history", lang))
    pdf.table(labels.display_frame(history, lang), max_rows=200)
    pdf.h2(_t("hash", lang))
    pdf.para(_t("hash_text", lang, name=csv_name, rows=rows, sha=sha))
    return CasePack(csv_name=csv_name, csv_bytes=data, sha256=sha, pdf_name=csv_name.replace(".csv", ".pdf"),
                    pdf_bytes=pdf.bytes(), rows=rows)
