"""The letter to the requester (PDF): the legal basis, the answer, the restriction of use, how to complain.

fpdf2 with Debian's DejaVu Sans (Unicode) when present; otherwise fpdf2's core Helvetica, which covers
Latin-1 (ä, ö, å) — other characters (dashes, ellipsis) are transliterated so the letter always renders.
The same module writes the written decision (kirjallinen päätös) of a refusal, with its ground, the
handler's reasoning and the route to the Data Protection Ombudsman, and the interim letter of a request that
waits for a decision. Every letter carries the controller's name and address and the data protection
officer's contact (`[letter]` in lokivahti.toml; the controller's name falls back to the home controller's
name in the reference data), a recipient block, and the handler's name. Letters are returned as bytes: the
caller writes them (files.py: new file, owner-only, no symlink followed).
"""

from __future__ import annotations

from dataclasses import dataclass
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

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


@dataclass(frozen=True)
class Sender:
    """Who the letter is from: the controller (name, address) and its data protection officer."""

    controller_name: str = ""
    controller_address: str = ""
    dpo_contact: str = ""

    def missing(self) -> list[str]:
        """The [letter] settings a lawful letter needs that are not set (reported by the CLI, never invented)."""
        return [name for name, value in (("controller_name", self.controller_name),
                                         ("controller_address", self.controller_address),
                                         ("dpo_contact", self.dpo_contact)) if not value.strip()]


def _sender_block(doc: _Letter, sender: Sender | None, lang: str):
    if sender is None:
        return
    if sender.controller_name:
        doc.para(texts.t("controller_line", lang, name=sender.controller_name)
                 + (f", {sender.controller_address}" if sender.controller_address else ""))
    if sender.dpo_contact:
        doc.para(texts.t("dpo_line", lang, contact=sender.dpo_contact))


def _recipient_block(doc: _Letter, request: Request, lang: str):
    lines = [texts.t("recipient_title", lang) + ":"]
    if request.requester_name:
        lines.append(f"{request.requester_name} ({texts.t('relation_' + request.relation, lang)})")
    else:
        lines.append(texts.t("relation_" + request.relation, lang))
    if request.requester_address:
        lines.extend(x.strip() for x in request.requester_address.replace(";", "\n").splitlines() if x.strip())
    doc.para("\n".join(lines))
    if request.identity_verified:
        doc.para(texts.t("verified_line", lang, how=texts.t("verify_" + request.identity_verified, lang)), 8)
    if request.right_to_act and request.relation != "self":
        doc.para(texts.t("right_to_act_line", lang, how=request.right_to_act), 8)


def _handler_line(request: Request, lang: str, today: date) -> str:
    return texts.t("handler_line", lang, handler=request.handler or "-", today=texts.finnish_date(today))


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
        if not decision.ground:  # with a ground, the ground and the reasoning below say it
            for reason in decision.reason_texts(lang):
                doc.para(reason)
    else:
        if decision.refused_from is not None:
            doc.para(texts.t("decision_refused_part", lang, start=texts.finnish_date(decision.refused_from),
                             end=texts.finnish_date(decision.refused_to), years=decision.max_period_years))
        if decision.narrowed:
            doc.para(texts.t("decision_narrowed", lang, start=texts.finnish_date(decision.released_from),
                             end=texts.finnish_date(decision.released_to)))
        if decision.withheld:
            doc.para(texts.t("decision_withheld_rows", lang, n=len(decision.withheld)))
    if decision.ground:
        doc.para(texts.t("ground_" + decision.ground, lang))
    if decision.professional_reason and (decision.outcome == "refused" or decision.ground):
        doc.para(texts.t("reasoning_line", lang, reason=decision.professional_reason))
    if decision.professional_by and (decision.outcome == "refused" or decision.ground):
        doc.para(texts.t("decided_by_line", lang, by=decision.professional_by))
    doc.para(texts.t("appeal", lang))


def _opening(request: Request, lang: str, sender: Sender | None, font_path: Path | None, title: str,
             start: date | None, end: date | None) -> _Letter:
    """Sender, recipient, title, the request and its period, and the section of the law the answer rests on."""
    doc = _Letter(font_path)
    _sender_block(doc, sender, lang)
    _recipient_block(doc, request, lang)
    doc.heading(texts.t(title, lang))
    doc.para(_request_line(request, lang, start, end))
    doc.para(texts.t("legal_basis", lang))
    return doc


def write_letter(request: Request, answer: pl.DataFrame, decision, lang: str, *, today: date,
                 view: list[str] | None = None, sender: Sender | None = None,
                 font_path: Path | None = DEJAVU) -> bytes:
    """The answer letter: sender, recipient, legal basis, summary, the first rows, notes, restriction of use,
    the written decision of any part refused, the complaint route and the handler's name."""
    doc = _opening(request, lang, sender, font_path, "letter_title", decision.released_from, decision.released_to)
    doc.para(texts.t("summary", lang, n=answer.height))
    if decision.special_reason:
        doc.para(texts.t("special_reason_line", lang, years=decision.max_period_years, reason=decision.special_reason))
    if decision.released_by_professional and not decision.ground:
        doc.para(texts.t("professional_release_line", lang, by=decision.professional_by or "-",
                         reason=decision.professional_reason or "-"))
    if decision.redact_location:
        doc.para(texts.t("redacted_note", lang))
    if decision.repeated_of:
        doc.para(texts.t("repeated_note", lang, previous=decision.repeated_of))
    if decision.fee:
        doc.para(texts.t("fee_line", lang, fee=decision.fee))
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
    doc.para(_handler_line(request, lang, today))
    return doc.bytes()


def write_decision(request: Request, decision, lang: str, *, today: date, sender: Sender | None = None,
                   font_path: Path | None = DEJAVU) -> bytes:
    """The written decision (kirjallinen päätös) when nothing is released: ground, reasoning, appeal route."""
    doc = _opening(request, lang, sender, font_path, "decision_title", request.period_from, request.period_to)
    _decision_section(doc, decision, lang, request)
    doc.para(_handler_line(request, lang, today))
    return doc.bytes()


def write_interim(request: Request, lang: str, *, today: date, sender: Sender | None = None,
                  font_path: Path | None = DEJAVU) -> bytes:
    """The interim letter of a request held for a decision: received, answered by the due date at the latest.

    It says only that a decision is needed, never why: the reason may itself be what must not be disclosed
    (a secret placement, a minor's prohibition)."""
    doc = _Letter(font_path)
    _sender_block(doc, sender, lang)
    _recipient_block(doc, request, lang)
    doc.heading(texts.t("interim_title", lang))
    doc.para(_request_line(request, lang, request.period_from, request.period_to))
    doc.para(texts.t("interim_body", lang, received=texts.finnish_date(request.received_on),
                     due=texts.finnish_date(request.due_on)))
    doc.para(_handler_line(request, lang, today))
    return doc.bytes()
