"""The request handler's page: register a "who viewed my data" request and answer it through pipelines.disclosure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from app_county import C2, PASSWORDS
from streamlit.testing.v1 import AppTest

from pipelines import PROJECT_ROOT, workstore
from pipelines.store import work_store_path

disclosure = pytest.importorskip("pipelines.disclosure")


def _signed_in_handler(app_env, monkeypatch, lang: str = "fi"):
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    if lang != "fi":  # chosen on the sign-in page, as a Swedish-speaking handler does
        at.radio(key="lang_choice").set_value(lang).run()
    at.text_input(key="signin_name").input("kasittelija")
    at.text_input(key="signin_password").input(PASSWORDS["kasittelija"])
    at.button[-1].click().run()
    return at


def test_a_request_handler_registers_a_request_sees_its_due_date_and_answers_it(app_env, monkeypatch):
    at = _signed_in_handler(app_env, monkeypatch)
    assert at.header[0].value == "Selvityspyynnöt"

    at.text_input(key="req_client").input(C2)
    at.date_input(key="req_period").set_value((date(2025, 5, 1), date(2025, 5, 31)))
    at.button(key="FormSubmitter:new_request-Kirjaa").click().run()
    assert not at.exception, at.exception[0].value
    register = at.dataframe[0].value
    assert len(register) == 1 and C2 not in set(register["client"])  # the register masks the client id

    at.button(key="export_answer").click().run()
    assert not at.exception, at.exception[0].value
    assert at.session_state["answer_files"][1]  # letter, csv, xlsx (or a written decision)
    work = work_store_path(Path(app_env["LOKIVAHTI_STORE"]))
    log = workstore.access_log(work)
    assert log.filter((log["client_id"] == C2) & (log["role"] == "request_handler")).height >= 1


def test_a_refusal_decided_on_the_page_needs_a_ground_and_reasoning_and_releases_nothing(app_env, monkeypatch):
    """703/2023 11 § 2 and 4 mom: a refusal rests on a ground the law allows and is a written decision."""
    work = work_store_path(Path(app_env["LOKIVAHTI_STORE"]))
    made = disclosure.register_request(work, client_id=C2, relation="self", period_from=date(2025, 5, 1),
                                       period_to=date(2025, 5, 31), received_on=date.today(), handler="Helena")
    at = _signed_in_handler(app_env, monkeypatch)
    at.selectbox(key="request_pick").set_value(made.request_id).run()
    at.radio(key="decide_kind").set_value("refuse")
    at.button(key="FormSubmitter:decide_form-Kirjaa päätös").click().run()
    assert at.error, "a refusal without a ground is not recorded"
    assert disclosure.get_request(work, made.request_id).professional_decision is None

    at.radio(key="decide_kind").set_value("refuse")
    at.selectbox(key="decide_ground").set_value("serious_danger")
    at.text_area(key="decide_reason").input("the psychiatrist's statement of 20.5.: releasing now endangers care")
    at.button(key="FormSubmitter:decide_form-Kirjaa päätös").click().run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    stored = disclosure.get_request(work, made.request_id)
    assert (stored.professional_decision, stored.professional_ground) == ("refuse", "serious_danger")

    at.button(key="export_answer").click().run()
    assert not at.exception
    files = at.session_state["answer_files"][1]
    assert set(files) == {"decision"}                      # the written decision, no event list
    assert disclosure.get_request(work, made.request_id).status == "refused"
    history = disclosure.request_history(work, made.request_id)
    assert list(history["change"]) == ["registered", "decided", "refused"]


def test_a_swedish_speaking_handler_works_in_swedish_and_the_letter_is_in_swedish(app_env, monkeypatch):
    """Bilingual counties serve Swedish speakers in Swedish (kielilaki 423/2003 10 §): the workflow's words on the
    page and the answer letter registered from it."""
    work = work_store_path(Path(app_env["LOKIVAHTI_STORE"]))
    before = set(disclosure.list_requests(work)["request_id"].to_list())
    at = _signed_in_handler(app_env, monkeypatch, "sv")
    assert at.header[0].value == "Begäranden om loggutdrag"
    assert at.selectbox(key="req_verified").label == "Identiteten kontrollerad"
    assert at.text_input(key="req_address").label == "Begärarens adress"
    at.text_input(key="req_client").input(C2)
    at.date_input(key="req_period").set_value((date(2025, 5, 1), date(2025, 5, 31)))
    at.button(key="FormSubmitter:new_request-Registrera").click().run()
    assert not at.exception, at.exception[0].value
    made = set(disclosure.list_requests(work)["request_id"].to_list()) - before
    assert len(made) == 1 and disclosure.get_request(work, made.pop()).language == "sv"
