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


def test_a_request_handler_registers_a_request_sees_its_due_date_and_answers_it(app_env, monkeypatch):
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="signin_name").input("kasittelija")
    at.text_input(key="signin_password").input(PASSWORDS["kasittelija"])
    at.button[-1].click().run()
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
