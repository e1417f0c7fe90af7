"""The letter and the lists the requester receives: readable in three languages, safe to open, and only theirs."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date

import openpyxl
import pytest
from disclosure_county import ADULT, CHILD, DEAD, LAPSED, OTHER, STAFF_PID, TEEN
from pypdf import PdfReader

from pipelines.disclosure import export_answer, get_request, register_request
from pipelines.disclosure.exports import neutralise
from pipelines.disclosure.letter import write_letter
from pipelines.disclosure.redaction import Decision
from pipelines.store import connect
from pipelines.workstore import access_log

TODAY = date(2026, 6, 2)
OTHER_CODES = (OTHER, CHILD, TEEN, DEAD, LAPSED, STAFF_PID)

# Phrases each letter must carry: the right's legal basis, the restriction of use, the complaint route.
MUST_SAY = {
    "fi": ("703/2023", "11 §", "omien oikeuksien", "tietosuojavaltuutetulle", "Asiakkaan vastuutyöntekijä"),
    "sv": ("703/2023", "11 §", "egna rättigheter", "dataombudsmannen", "Klientens ansvariga arbetstagare"),
    "en": ("703/2023", "section 11", "your own rights", "Data Protection Ombudsman",
           "The client's responsible worker"),
}


def _answer(county, lang, client=ADULT, relation="self", tmp=None, **kw):
    store, work = county
    request = register_request(work, client_id=client, relation=relation, period_from=kw.pop("start", "2026-01-01"),
                               period_to="2026-12-31", received_on="2026-06-01", handler="Helena Käsittelijä", **kw)
    con = connect(store, read_only=True)
    try:
        return export_answer(con, work, request, work.parent / f"out-{lang}", lang, today=TODAY, misuse_view=True)
    finally:
        con.close()


def _pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(str(path)).pages))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_letter_states_the_right_the_restriction_and_the_complaint_route_in_each_language(county, lang):
    result = _answer(county, lang)
    text = _pdf_text(result.paths["letter"])
    for phrase in MUST_SAY[lang]:
        assert phrase in text, phrase
    assert "Anna Aaltonen" in text


def test_the_letter_renders_as_a_page_image(county, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed")
    result = _answer(county, "fi")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(result.paths["letter"]),
                    str(tmp_path / "page")], check=True, timeout=60)
    pages = list(tmp_path.glob("page*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 1000


def test_no_other_persons_identity_code_appears_in_any_file(county):
    result = _answer(county, "fi")
    texts = [_pdf_text(result.paths["letter"]), result.paths["csv"].read_text(encoding="utf-8-sig")]
    with zipfile.ZipFile(result.paths["xlsx"]) as z:
        texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    blob = "\n".join(texts)
    for code in OTHER_CODES:
        assert code not in blob
    assert ADULT not in blob                       # the client's own code appears masked only
    assert ADULT[:8] + "***" in texts[0]


def test_the_lists_hold_one_row_per_event_with_headers_in_the_language(county):
    result = _answer(county, "sv")
    lines = result.paths["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Tid,Organisation,Enhet,Användare")
    assert len(lines) == 1 + result.rows == 8
    sheet = openpyxl.load_workbook(result.paths["xlsx"]).active
    assert sheet.max_row == 1 + result.rows
    assert sheet.cell(1, 10).value == "Grund"


def test_a_log_value_that_looks_like_a_formula_is_neutralised_in_csv_and_xlsx(county):
    result = _answer(county, "en")
    assert "'=HYPERLINK" in result.paths["csv"].read_text(encoding="utf-8-sig")
    cells = [c.value for row in openpyxl.load_workbook(result.paths["xlsx"]).active.iter_rows() for c in row]
    assert any(str(v).startswith("'=HYPERLINK") for v in cells)
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in cells if v)
    assert [neutralise(v) for v in ("=1+1", "+3", "-2", "@SUM", "ok")] == ["'=1+1", "'+3", "'-2", "'@SUM", "ok"]


def test_the_answer_is_recorded_as_a_disclosure_and_the_request_as_delivered(county):
    _, work = county
    result = _answer(county, "fi")
    log = access_log(work)
    assert log.height == 1
    row = log.row(0, named=True)
    assert (row["action"], row["role"], row["client_id"], row["page"]) == ("disclose", "request_handler", ADULT,
                                                                          "disclose")
    assert row["user_name"] == "Helena Käsittelijä" and row["recipient"] == "self"
    stored = get_request(work, result.request.request_id)
    assert (stored.status, stored.delivered_on) == ("delivered", TODAY)


def test_a_partial_refusal_is_a_written_decision_with_appeal_instructions_in_the_letter(county):
    result = _answer(county, "fi", start="2023-01-01")
    text = _pdf_text(result.paths["letter"])
    assert "Päätös lokitietopyyntöön" in text and "Muutoksenhaku" in text and "tietosuojavaltuutetun" in text
    assert "1.1.2023–31.5.2024" in text


def test_the_reasoned_view_is_in_the_letter_when_misuse_is_suspected(county):
    text = _pdf_text(_answer(county, "en").paths["letter"])
    assert "reasoned view" in text and "still under review" in text


def test_the_letter_falls_back_to_a_core_font_when_no_unicode_font_is_installed(county, tmp_path):
    from pipelines.disclosure import build_answer

    store, work = county
    request = register_request(work, client_id=ADULT, relation="self", period_from="2026-01-01",
                               period_to="2026-12-31", received_on="2026-06-01")
    con = connect(store, read_only=True)
    try:
        answer = build_answer(con, request, work_path=work, lang="fi")
    finally:
        con.close()
    decision = Decision("deliver", request.period_from, request.period_to)
    path = tmp_path / "core.pdf"
    path.write_bytes(write_letter(request, answer, decision, "fi", today=TODAY, font_path=tmp_path / "no-such-font.ttf"))
    text = _pdf_text(path)
    assert "Selvitys asiakastietojen käytöstä" in text and "tietosuojavaltuutetulle" in text


def test_no_file_sent_to_a_guardian_reveals_a_secret_placement(county):
    from test_disclosure_redaction import LOCATING

    result = _answer(county, "fi", client=CHILD, relation="guardian")
    assert result.decision.redact_location and result.rows == 4
    blob = _pdf_text(result.paths["letter"]) + result.paths["csv"].read_text(encoding="utf-8-sig")
    with zipfile.ZipFile(result.paths["xlsx"]) as z:
        blob += "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for word in LOCATING:
        assert word not in blob, word
    assert "hyvinvointialueen lastensuojelu" in blob
