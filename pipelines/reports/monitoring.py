"""The monthly log-monitoring report: the document a DPO files to show the logs are monitored regularly.

Contents: ingest health per source, findings by category and review status, the reviewed share,
anomalies of the month, and the dashboard's own use (who looked up whom, by action) — 703/2023 requires
regular monitoring of use and disclosure logs; this report is the evidence of it.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from .. import workstore
from . import labels
from .queries import run

REVIEWED = ("explained", "violation_confirmed", "false_positive")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def fi(d) -> str:
    return f"{d.day}.{d.month}.{d.year}" if d else ""


def report_data(snapshot: Path, work: Path, year: int, month: int) -> dict[str, pl.DataFrame | float]:
    """Every table of the report for one month, as frames (also used by the page for a preview)."""
    start, end = month_bounds(year, month)
    events = run(snapshot, "report_events_month", date_from=start, date_to=end)
    ingest = run(snapshot, "report_ingest_month", date_from=start, date_to=end)
    findings = run(snapshot, "findings_brief", provider_only=False).filter(pl.col("day").is_between(start, end))
    reviews = workstore.current_reviews(work).select("finding_id", pl.col("status").alias("review_status"))
    findings = findings.join(reviews, on="finding_id", how="left").with_columns(
        pl.col("review_status").fill_null("new").alias("status"))
    by_category = (findings.group_by("category", "status").len("findings")
                   .pivot(on="status", index="category", values="findings").fill_null(0).sort("category")
                   if findings.height else pl.DataFrame({"category": []}))
    reviewed_share = (findings.filter(pl.col("status").is_in(REVIEWED)).height / findings.height) if findings.height else 1.0
    anomalies = run(snapshot, "scores_top", date_from=start, date_to=end, max_rows=15).select(
        "rank", "staff_name", "title", "staff_id", "day", pl.col("score").round(3), "flagged", "explanation_fi", "explanation_en")
    app_use, use_from, use_to = own_use(work, start, end)
    return {"events": events, "ingest": ingest, "by_category": by_category, "findings": findings,
            "reviewed_share": reviewed_share, "anomalies": anomalies, "app_use": app_use,
            "use_period": (use_from, use_to)}


def own_use(work: Path, start: date, end: date, today: date | None = None) -> tuple[pl.DataFrame, date, date]:
    """Lokivahti's own use (who looked up whom, by action) for the report: in the report month; when the month
    was analysed later (nothing logged in it, the usual case for a report written after the month), from the
    month's first day to today, so the look-ups made while reviewing that month's findings are accounted for.
    Returns the table and the period it covers."""
    today = today or datetime.now(UTC).date()
    use = workstore.access_log(work)
    empty = pl.DataFrame(schema={"user_name": pl.Utf8, "role": pl.Utf8, "action": pl.Utf8, "lookups": pl.UInt32})
    if use.is_empty():
        return empty, start, end
    day = pl.col("at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    in_month = use.filter(day.is_between(start, end))
    period_to = end
    if in_month.is_empty() and today > end:
        in_month, period_to = use.filter(day.is_between(start, today)), today
    if in_month.is_empty():
        return empty, start, period_to
    table = in_month.group_by("user_name", "role", "action").len("lookups").sort(
        ["lookups", "user_name", "action"], descending=[True, False, False])
    return table, start, period_to


def _t(key: str, lang: str, **fmt) -> str:
    return labels.text("monitoring", key, lang, **fmt)  # labels.toml [monitoring]


def build_report(snapshot: Path, work: Path, year: int, month: int, *, author: str = "", lang: str = "fi") -> bytes:
    """The monitoring report for one month as a PDF in Finnish, Swedish or English."""
    data = report_data(snapshot, work, year, month)
    start, end = month_bounds(year, month)
    d = lambda v: labels.date_text(v, lang)
    from .pdf import ReportPdf  # the PDF library (about a second to import) only when a report is built

    pdf = ReportPdf(f"Lokivahti · {_t('title', lang)} {month}/{year}")
    pdf.h1(f"{_t('heading', lang)} {d(start)}–{d(end)}")
    pdf.para(_t("made", lang, d=d(datetime.now(UTC).date()), by=f" · {author}" if author else ""))
    pdf.h2(_t("s1", lang))
    pdf.table(labels.display_frame(data["events"], lang))
    pdf.para(_t("ingest", lang))
    pdf.table(labels.display_frame(data["ingest"], lang))
    pdf.h2(_t("s2", lang))
    by_category = data["by_category"]
    if by_category.width > 1:
        by_category = by_category.rename({c: labels.value_label(c, lang) for c in by_category.columns
                                          if c != "category"})
    pdf.table(labels.display_frame(by_category, lang))
    pdf.para(_t("reviewed", lang, n=data["findings"].height, p=f"{data['reviewed_share'] * 100:.0f}"))
    pdf.h2(_t("s3", lang))
    anomalies = data["anomalies"]
    if lang == "en" and "explanation_en" in anomalies.columns:
        anomalies = anomalies.drop("explanation_fi").rename({"explanation_en": "explanation"})
    elif "explanation_fi" in anomalies.columns:
        anomalies = anomalies.rename({"explanation_fi": "explanation"})
    pdf.table(labels.display_frame(anomalies, lang), max_rows=15)
    pdf.h2(_t("s4", lang))
    use_from, use_to = data["use_period"]
    pdf.para(_t("own", lang, a=d(use_from), b=d(use_to)))
    if data["app_use"].is_empty():
        pdf.para(_t("no_use", lang))
    else:
        pdf.table(labels.display_frame(data["app_use"], lang))
    return pdf.bytes()
