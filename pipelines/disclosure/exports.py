"""Writing the answer: the letter (PDF), the event list (CSV and XLSX), the register and the disclosure log.

`export_answer` is the one call that answers a request: decide (redaction.py), then either hold it for a
professional's decision, refuse it with a written decision, or write the letter and the lists. The answer
is itself a disclosure of the client's data, so it is recorded in the work store's access log (it becomes an
event of source `lokivahti` at the next check). Spreadsheet cells from log data that start with `=`, `+`,
`-` or `@` are neutralised so that a crafted log value cannot run as a formula when the client opens it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from ..reports.safe_cells import neutralise_text
from ..workstore import log_access
from . import texts
from .answer import ANSWER_COLUMNS, build_answer, reasoned_view
from .letter import write_decision, write_letter
from .redaction import DELIVER, HELD, REFUSED, Decision, decide
from .register import Request, _to_date, update_request

neutralise = neutralise_text  # the one guard (pipelines/reports/safe_cells.py), kept under its old name here


def _headers(lang: str) -> list[str]:
    return [texts.t(f"col_{c}", lang) for c in ANSWER_COLUMNS]


def write_csv(answer: pl.DataFrame, path: Path, lang: str) -> Path:
    """UTF-8 with BOM (Excel opens it with ä and ö intact), semicolon-free comma CSV, headers in `lang`."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(_headers(lang))
        for row in answer.select(ANSWER_COLUMNS).iter_rows():
            w.writerow([neutralise(v) for v in row])
    path.chmod(0o600)
    return path


def write_xlsx(answer: pl.DataFrame, path: Path, lang: str) -> Path:
    """Every cell written as a string (never a formula), with a bold header row and a frozen pane."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    ws = wb.add_worksheet(texts.t("first_rows", lang)[:31])
    bold = wb.add_format({"bold": True})
    for j, h in enumerate(_headers(lang)):
        ws.write_string(0, j, h, bold)
    for i, row in enumerate(answer.select(ANSWER_COLUMNS).iter_rows(), start=1):
        for j, v in enumerate(row):
            ws.write_string(i, j, neutralise(v))
    ws.freeze_panes(1, 0)
    ws.set_column(0, len(ANSWER_COLUMNS) - 1, 24)
    wb.close()
    path.chmod(0o600)
    return path


@dataclass
class ExportResult:
    request: Request
    decision: Decision
    paths: dict[str, Path] = field(default_factory=dict)
    rows: int = 0

    @property
    def exit_code(self) -> int:
        return self.decision.exit_code


def _decision_text(decision: Decision, lang: str) -> str:
    parts = decision.reason_texts(lang)
    if decision.refused_from is not None and decision.outcome != REFUSED:
        parts.append(texts.t("decision_refused_part", lang, start=texts.finnish_date(decision.refused_from),
                             end=texts.finnish_date(decision.refused_to), years=decision.max_period_years))
    return " ".join(parts) or None


def export_answer(con, work_path, request: Request, out_dir, lang: str | None = None, *, today=None,
                  misuse_view: bool = False, config: dict | None = None) -> ExportResult:
    """Decide and answer one registered request; returns the decision and the files written.

    deliver → letter.pdf, events.csv, events.xlsx (status delivered, delivered_on = today, disclosure logged);
    held_for_decision → nothing written to the requester (status held_for_decision, reason recorded);
    refused → decision.pdf, the written decision with appeal instructions (status refused).
    """
    lang = lang or request.language or "fi"
    today = _to_date(today) or date.today()
    out = Path(out_dir)
    decision = decide(con, work_path, request, today=today, config=config)
    stem = request.request_id
    if decision.outcome == HELD:
        updated = update_request(work_path, request.request_id, status=HELD, decision=_decision_text(decision, lang))
        return ExportResult(updated, decision)
    if not out.exists():  # a folder Lokivahti creates is owner-only; an existing one keeps its owner's mode
        out.mkdir(parents=True)
        out.chmod(0o700)
    if decision.outcome == REFUSED:
        path = write_decision(out / f"{stem}-decision-{lang}.pdf", request, decision, lang, today=today)
        updated = update_request(work_path, request.request_id, status=REFUSED, decision=_decision_text(decision, lang))
        return ExportResult(updated, decision, {"decision": path})
    assert decision.outcome == DELIVER
    answer = build_answer(con, request, work_path=work_path, lang=lang, decision=decision)
    view = reasoned_view(answer, lang) if misuse_view else None
    paths = {
        "letter": write_letter(out / f"{stem}-letter-{lang}.pdf", request, answer, decision, lang, today=today, view=view),
        "csv": write_csv(answer, out / f"{stem}-events-{lang}.csv", lang),
        "xlsx": write_xlsx(answer, out / f"{stem}-events-{lang}.xlsx", lang),
    }
    log_access(work_path, user_name=request.handler or "request_handler", role="request_handler", action="disclose",
               client_id=request.client_id, recipient=f"{request.relation}:{request.requester_name or ''}".rstrip(":"),
               page="disclose")
    updated = update_request(work_path, request.request_id, status="delivered", delivered_on=today,
                             decision=_decision_text(decision, lang), language=lang)
    return ExportResult(updated, decision, paths, answer.height)
