"""The letter to the requester (PDF): the legal basis, the answer, the restriction of use, how to complain.

fpdf2 with Debian's DejaVu Sans (Unicode) when present; otherwise fpdf2's core Helvetica, which covers
Latin-1 (ä, ö, å) — other characters (dashes, ellipsis) are transliterated so the letter always renders.
The same module writes the written decision (kirjallinen päätös) of a refusal, with appeal instructions.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from fpdf import FPDF

from . import texts
from .register import Request, mask_client_id

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
LETTER_ROWS = 60  # rows listed in the letter itself; the full list is in the CSV/XLSX
_TRANSLIT = {"–": "-", "—": "-", "…": "...", "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'", "\u00a0": " "}


class _Letter:
    def __init__(self, font_path: Path | None = DEJAVU):
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_page()
        self.unicode = bool(font_path and Path(font_path).exists())
        if self.unicode:
            self.pdf.add_font("DejaVu", "", str(font_path))
            bold = DEJAVU_BOLD if DEJAVU_BOLD.exists() else font_path
            self.pdf.add_font("DejaVu", "B", str(bold))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"

    def _text(self, s: str) -> str:
        if self.unicode:
            return s
        for a, b in _TRANSLIT.items():
            s = s.replace(a, b)
        return s.encode("latin-1", "replace").decode("latin-1")

    def heading(self, s: str, size: int = 14):
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, 8, self._text(s), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def para(self, s: str, size: int = 10):
        self.pdf.set_font(self.family, "", size)
        self.pdf.multi_cell(0, 5, self._text(s), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.output(str(path))
        path.chmod(0o600)
        return path


def _request_line(request: Request, lang: str, start, end) -> str:
    return texts.t("request_line", lang, request_id=request.request_id,
                   received=texts.finnish_date(request.received_on), client=mask_client_id(request.client_id),
                   start=texts.finnish_date(start), end=texts.finnish_date(end))


def _row_line(r: dict) -> str:
    who = ", ".join(x for x in (r["worker"], r["title"]) if x)
    where = " / ".join(x for x in (r["organisation"], r["unit"]) if x)
    parts = [r["time"], who, where, r["action"] + (f" → {r['recipient']}" if r["recipient"] else ""), r["data"],
             r["basis"]]
    return " · ".join(p for p in parts if p)


def _decision_section(doc: _Letter, decision, lang: str, request: Request):
    doc.heading(texts.t("decision_title", lang), 12)
    if decision.outcome == "refused":
        doc.para(texts.t("decision_refused_all", lang))
        for reason in decision.reason_texts(lang):
            doc.para(reason)
    if decision.refused_from is not None and decision.outcome != "refused":
        doc.para(texts.t("decision_refused_part", lang, start=texts.finnish_date(decision.refused_from),
                         end=texts.finnish_date(decision.refused_to), years=decision.max_period_years))
    doc.para(texts.t("appeal", lang))


def write_letter(path: Path, request: Request, answer: pl.DataFrame, decision, lang: str, *,
                 today: date, view: list[str] | None = None, font_path: Path | None = DEJAVU) -> Path:
    """The answer letter: legal basis, summary, the first rows, notes, restriction of use, complaint route."""
    doc = _Letter(font_path)
    doc.heading(texts.t("letter_title", lang))
    doc.para(_request_line(request, lang, decision.released_from, decision.released_to))
    doc.para(texts.t("legal_basis", lang))
    doc.para(texts.t("summary", lang, n=answer.height))
    if decision.special_reason:
        doc.para(texts.t("special_reason_line", lang, years=decision.max_period_years, reason=decision.special_reason))
    if decision.released_by_professional:
        doc.para(texts.t("professional_release_line", lang, by=decision.professional_by or "-",
                         reason=decision.professional_reason or "-"))
    if decision.redact_location:
        doc.para(texts.t("redacted_note", lang))
    if decision.repeated_of:
        doc.para(texts.t("repeated_note", lang, previous=decision.repeated_of))
    if answer.height:
        doc.heading(texts.t("first_rows", lang), 12)
        for r in answer.head(LETTER_ROWS).iter_rows(named=True):
            doc.para(_row_line(r), 8)
        if answer.height > LETTER_ROWS:
            doc.para(texts.t("more_rows", lang, n=answer.height - LETTER_ROWS), 8)
    if view:
        doc.heading(texts.t("view_title", lang), 12)
        for line in view:
            doc.para(line)
    if decision.needs_written_decision:
        _decision_section(doc, decision, lang, request)
    doc.para(texts.t("restriction", lang))
    doc.para(texts.t("complaint", lang))
    doc.para(texts.t("handler_line", lang, handler=request.handler or "-", today=texts.finnish_date(today)))
    return doc.save(path)


def write_decision(path: Path, request: Request, decision, lang: str, *, today: date,
                   font_path: Path | None = DEJAVU) -> Path:
    """The written decision (kirjallinen päätös) when nothing is released, with appeal instructions."""
    doc = _Letter(font_path)
    doc.heading(texts.t("decision_title", lang))
    doc.para(_request_line(request, lang, request.period_from, request.period_to))
    doc.para(texts.t("legal_basis", lang))
    _decision_section(doc, decision, lang, request)
    doc.para(texts.t("handler_line", lang, handler=request.handler or "-", today=texts.finnish_date(today)))
    return doc.save(path)
