"""The documents the dashboard hands out: the monthly monitoring report and the provider investigation pack."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import polars as pl
from app_county import C1
from openpyxl import load_workbook
from pypdf import PdfReader

from pipelines import workstore
from pipelines.reports.monitoring import build_report, report_data
from pipelines.reports.provider_pack import build_pack, xlsx_bytes
from pipelines.safe_cells import neutralise, neutralise_frame
from pipelines.store import snapshot_path, work_store_path


def paths(app_env):
    store = Path(app_env["LOKIVAHTI_STORE"])
    return snapshot_path(store), work_store_path(store)


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised():
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for text in ("+1", "-2+3", "@SUM(A1)", "\tcmd"):
        assert neutralise(text).startswith("'")
    assert neutralise("asiakaskertomus") == "asiakaskertomus"
    assert neutralise(-5) == -5  # numbers are data, not text
    frame = neutralise_frame(pl.DataFrame({"document": ["=1+1", "ok"], "n": [1, 2]}))
    assert frame["document"].to_list() == ["'=1+1", "ok"] and frame["n"].to_list() == [1, 2]


def test_the_spreadsheet_export_never_contains_a_formula():
    data = xlsx_bytes({"evidence": pl.DataFrame({"document": ["=cmd|' /C calc'!A0", "plain"], "n": [3, 4]})})
    sheet = load_workbook(io.BytesIO(data))["evidence"]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3


def test_the_monitoring_report_covers_ingest_findings_review_anomalies_and_the_dashboards_own_use(app_env):
    snap, work = paths(app_env)
    workstore.log_access(work, user_name="dpo1", role="dpo", action="read", page="report_test", staff_id="S002")
    data = report_data(snap, work, 2025, 5)
    assert set(data["events"]["source_system"]) == {"pro_consona", "portal"}
    assert data["findings"].height >= 2
    assert 0.0 <= data["reviewed_share"] <= 1.0
    assert data["anomalies"]["staff_id"][0] == "S002"
    pdf = build_report(snap, work, 2025, 5, author="dpo1")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Lokivalvontaraportti 1.5.2025–31.5.2025" in text
    assert "pro_consona" in text and "Lokivahdin oma käyttö" in text
    assert C1 not in text  # the report carries no personal identity codes


def test_the_provider_pack_holds_a_pdf_summary_csv_and_xlsx_evidence_of_accesses_outside_authorisation(app_env):
    snap, _ = paths(app_env)
    pack = zipfile.ZipFile(io.BytesIO(build_pack(snap, "PRV1", "Hoivapalvelu Oy").zip_bytes))
    assert set(pack.namelist()) == {"summary.pdf", "accesses.csv", "evidence.xlsx"}
    rows = list(csv.DictReader(io.StringIO(pack.read("accesses.csv").decode())))
    statuses = {r["status"] for r in rows}
    assert statuses == {"inside_service", "after_end"}  # authorised 1.-20.5.2025, accessed until 30.5.
    assert all(r["event_date"].count(".") == 2 for r in rows)  # d.m.yyyy
    book = load_workbook(io.BytesIO(pack.read("evidence.xlsx")))
    assert {"accesses", "outside_authorisation", "staff", "authorisations"} <= set(book.sheetnames)
    outside = book["outside_authorisation"]
    assert outside.max_row - 1 == sum(r["status"] == "after_end" for r in rows)
    summary = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pack.read("summary.pdf"))).pages)
    assert "luvituksen päätyttyä" in summary
