"""Writing the answer: the letter (PDF), the event list (CSV and XLSX), the register and the disclosure log.

`export_answer` is the one call that answers a request: decide (redaction.py), then hold it for the
handler's decision, refuse it with a written decision, or write the letter and the lists. Everything the
requester's answer changes happens in one register transaction: the request is registered (when new), its
outcome recorded, the answer logged as a disclosure (it becomes an event of source `lokivahti` at the next
check) and its files written. If anything fails — the store cannot be read, the output folder is wrong, a
file already exists — the transaction rolls back and the files written so far are removed: a failed answer
leaves no request behind, so the client's retry is not taken for a repeat that may be charged.

Spreadsheet cells from log data that start with `=`, `+`, `-` or `@` are neutralised so that a crafted log
value cannot run as a formula when the client opens it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from ..config import load_config
from ..safe_cells import neutralise_text
from ..sqlfiles import read_sql, statement
from ..workstore import append_access
from . import texts
from .answer import ANSWER_COLUMNS, build_answer, reasoned_view
from .files import check_free, prepare_folder, text_bytes, write_new
from .letter import Sender, write_decision, write_interim, write_letter
from .redaction import DELIVER, HELD, REFUSED, Decision, decide
from .register import (
    OPEN_STATUSES,
    Request,
    RequestError,
    _to_date,
    get_in,
    register_transaction,
    store_new,
    update_in,
)

neutralise = neutralise_text  # the one guard (pipelines/safe_cells.py), kept under its old name here


def _headers(lang: str) -> list[str]:
    return [texts.t(f"col_{c}", lang) for c in ANSWER_COLUMNS]


def csv_bytes(answer: pl.DataFrame, lang: str) -> bytes:
    """UTF-8 with BOM (Excel opens it with ä and ö intact), comma CSV, headers in `lang`."""
    def write(fh):
        w = csv.writer(fh)
        w.writerow(_headers(lang))
        for row in answer.select(ANSWER_COLUMNS).iter_rows():
            w.writerow([neutralise(v) for v in row])
    return text_bytes(write)


def xlsx_bytes(answer: pl.DataFrame, lang: str) -> bytes:
    """Every cell written as a string (never a formula), with a bold header row and a frozen pane."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
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
    return buffer.getvalue()


def write_csv(answer: pl.DataFrame, path: Path, lang: str) -> Path:
    return write_new(Path(path), csv_bytes(answer, lang))


def write_xlsx(answer: pl.DataFrame, path: Path, lang: str) -> Path:
    return write_new(Path(path), xlsx_bytes(answer, lang))


@dataclass
class ExportResult:
    request: Request
    decision: Decision
    paths: dict[str, Path] = field(default_factory=dict)
    rows: int = 0
    missing_settings: list[str] = field(default_factory=list)  # [letter] settings the letter lacked

    @property
    def exit_code(self) -> int:
        return self.decision.exit_code


def _decision_text(decision: Decision, lang: str) -> str | None:
    parts = decision.reason_texts(lang)
    if decision.ground:
        parts.append(texts.t("ground_" + decision.ground, lang))
    if decision.refused_from is not None and decision.outcome != REFUSED:
        parts.append(texts.t("decision_refused_part", lang, start=texts.finnish_date(decision.refused_from),
                             end=texts.finnish_date(decision.refused_to), years=decision.max_period_years))
    if decision.withheld and decision.outcome == DELIVER:
        parts.append(texts.t("decision_withheld_rows", lang, n=len(decision.withheld)))
    return " ".join(parts) or None


def sender_for(con, config: dict) -> Sender:
    """The letter's sender from `[letter]`; the controller's name falls back to the home controller's name."""
    letter = config.get("letter", {})
    name = str(letter.get("controller_name") or "").strip()
    if not name:
        rows = con.execute(read_sql("disclosure/controller_name.sql"),
                           {"organisation_id": config["store"]["home_controller"]}).fetchall()
        name = rows[0][0] if rows and rows[0][0] else ""
    return Sender(controller_name=name, controller_address=str(letter.get("controller_address") or "").strip(),
                  dpo_contact=str(letter.get("dpo_contact") or "").strip())


def _log_disclosure(wcon, request: Request, actor: str) -> None:
    """The answer is itself a disclosure of the client's data: it goes into the dashboard's access log
    (work store), in the same transaction as the answer."""
    recipient = f"{request.relation}:{request.requester_name or ''}".rstrip(":")
    append_access(wcon, user_name=actor, role="request_handler", action="disclose", page="disclose",
                  client_id=request.client_id, recipient=recipient)


def export_answer(con, work_path, request: Request, out_dir, lang: str | None = None, *, today=None,
                  misuse_view: bool = False, config: dict | None = None, actor: str | None = None) -> ExportResult:
    """Decide and answer one request — registered, or new (request_id empty: registered here, with its outcome).

    deliver → letter.pdf, events.csv, events.xlsx (status delivered, delivered_on = today, disclosure logged);
    held_for_decision → nothing written to the requester (status held_for_decision, reason recorded);
    refused → decision.pdf, the written decision with its ground and appeal route (status refused).
    """
    cfg = config or load_config()
    lang = lang or request.language or "fi"
    today = _to_date(today) or date.today()
    decision = decide(con, work_path, request, today=today, config=cfg)
    sender = sender_for(con, cfg)
    answer = view = None
    if decision.outcome == DELIVER:
        answer = build_answer(con, request, work_path=work_path, lang=lang, decision=decision)
        view = reasoned_view(answer, lang) if misuse_view else None
    out = prepare_folder(Path(out_dir)) if decision.outcome != HELD else None
    actor = actor or request.handler or "request_handler"
    written: list[Path] = []
    try:
        with register_transaction(work_path) as wcon:
            if request.registered:
                current = get_in(wcon, request.request_id)
                if current.status not in OPEN_STATUSES:
                    raise RequestError(f"request {current.request_id} is already {current.status}")
            else:
                current = store_new(wcon, request, actor=actor)
            stem, text = current.request_id, _decision_text(decision, lang)
            if decision.outcome == HELD:
                updated = update_in(wcon, stem, actor=actor, change="held", status=HELD, decision=text)
                result = ExportResult(updated, decision)
            elif decision.outcome == REFUSED:
                path = out / f"{stem}-decision-{lang}.pdf"
                check_free([path])
                written.append(write_new(path, write_decision(current, decision, lang, today=today, sender=sender)))
                updated = update_in(wcon, stem, actor=actor, change="refused", status=REFUSED, decision=text,
                                    language=lang)
                result = ExportResult(updated, decision, {"decision": path})
            else:
                paths = {"letter": out / f"{stem}-letter-{lang}.pdf", "csv": out / f"{stem}-events-{lang}.csv",
                         "xlsx": out / f"{stem}-events-{lang}.xlsx"}
                check_free(paths.values())
                letter = write_letter(current, answer, decision, lang, today=today, view=view, sender=sender)
                for kind, data in (("letter", letter), ("csv", csv_bytes(answer, lang)),
                                   ("xlsx", xlsx_bytes(answer, lang))):
                    written.append(write_new(paths[kind], data))
                _log_disclosure(wcon, current, actor)
                updated = update_in(wcon, stem, actor=actor, change="delivered", status="delivered",
                                    delivered_on=today, decision=text, language=lang)
                result = ExportResult(updated, decision, paths, answer.height)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    result.missing_settings = sender.missing() if decision.outcome != HELD else []
    return result


def export_interim(con, work_path, request_id: str, out_dir, lang: str | None = None, *, today=None,
                   config: dict | None = None, actor: str | None = None) -> Path:
    """The interim letter of an open request (typically one held for a decision), recorded in its history."""
    cfg = config or load_config()
    today = _to_date(today) or date.today()
    sender = sender_for(con, cfg)
    out = prepare_folder(Path(out_dir))
    written: list[Path] = []
    try:
        with register_transaction(work_path) as wcon:
            current = get_in(wcon, request_id)
            if current.status not in OPEN_STATUSES:
                raise RequestError(f"request {request_id} is already {current.status}")
            lang = lang or current.language or "fi"
            path = out / f"{request_id}-interim-{lang}.pdf"
            written.append(write_new(path, write_interim(current, lang, today=today, sender=sender)))
            wcon.execute(statement("work/requests.sql", "add_interim"),
                         [request_id, datetime.now(UTC).isoformat(timespec="seconds"),
                          actor or current.handler or "request_handler"])
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return path
