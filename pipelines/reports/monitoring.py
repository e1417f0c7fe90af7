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
from .pdf import ReportPdf
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
        "rank", "staff_id", "day", pl.col("score").round(3), "flagged", "explanation_fi")
    use = workstore.access_log(work)
    if use.height:
        use = use.filter(pl.col("at").str.slice(0, 7) == f"{year:04d}-{month:02d}")
    app_use = use.group_by("user_name", "role", "action").len("lookups").sort("lookups", descending=True) \
        if use.height else pl.DataFrame({"user_name": [], "role": [], "action": [], "lookups": []})
    return {"events": events, "ingest": ingest, "by_category": by_category, "findings": findings,
            "reviewed_share": reviewed_share, "anomalies": anomalies, "app_use": app_use}


def build_report(snapshot: Path, work: Path, year: int, month: int, *, author: str = "") -> bytes:
    """The monitoring report for one month as a PDF."""
    data = report_data(snapshot, work, year, month)
    start, end = month_bounds(year, month)
    pdf = ReportPdf(f"Lokivahti · lokivalvontaraportti {month}/{year}")
    pdf.h1(f"Lokivalvontaraportti {fi(start)}–{fi(end)}")
    pdf.para(f"Laadittu {fi(datetime.now(UTC).date())}" + (f" · {author}" if author else "")
             + ". Käyttö- ja luovutuslokien säännöllinen valvonta (asiakastietolaki 703/2023 10 §).")
    pdf.h2("1. Lokien saapuminen lähdejärjestelmittäin")
    pdf.table(data["events"].with_columns(pl.col("first_day").map_elements(fi, return_dtype=pl.Utf8),
                                          pl.col("last_day").map_elements(fi, return_dtype=pl.Utf8)))
    pdf.para("Tuontiajot kuukauden aikana (luettu = normalisoitu + karanteeni):")
    pdf.table(data["ingest"])
    pdf.h2("2. Havainnot luokittain ja käsittelytilan mukaan")
    pdf.table(data["by_category"])
    pdf.para(f"Havaintoja yhteensä {data['findings'].height}; käsitelty (selitetty, rikkomus vahvistettu tai "
             f"väärä hälytys) {data['reviewed_share'] * 100:.0f} %.")
    pdf.h2("3. Poikkeavat käyttäjäpäivät (poikkeamamalli)")
    pdf.table(data["anomalies"].with_columns(pl.col("day").map_elements(fi, return_dtype=pl.Utf8)), max_rows=15)
    pdf.h2("4. Lokivahdin oma käyttö")
    pdf.para("Jokainen henkilön tai palveluntuottajan haku Lokivahdissa kirjataan ja tarkastetaan samoilla säännöillä "
             "kuin muut lokit (lähde 'lokivahti').")
    pdf.table(data["app_use"])
    return pdf.bytes()
