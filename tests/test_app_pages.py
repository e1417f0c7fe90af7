"""The dashboard, driven headlessly with Streamlit's AppTest: sign-in, roles, every page, triage, audit trail."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from app_county import C1, PASSWORDS
from streamlit.testing.v1 import AppTest

from pipelines import PROJECT_ROOT, workstore
from pipelines.store import work_store_path

APP = str(PROJECT_ROOT / "app.py")
DPO_PAGES = ["overview", "findings", "user_timeline", "client_timeline", "anomalies", "provider", "report", "requests"]


@pytest.fixture
def env(app_env, monkeypatch):
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    return app_env


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def sign_in(name: str, password: str | None = None) -> AppTest:
    at = new_app().run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password if password is not None else PASSWORDS[name])
    at.button[-1].click().run()
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, at.exception[0].value
    return at


def work_path(env) -> Path:
    return work_store_path(Path(env["LOKIVAHTI_STORE"]))


def test_a_wrong_password_is_refused_and_shows_no_data(env):
    at = sign_in("dpo1", "wrong password")
    assert "auth" not in at.session_state
    assert any("Väärä" in e.value for e in at.error)
    assert not at.get("plotly_chart") and not at.dataframe


def test_an_unknown_user_is_refused_with_the_same_message(env):
    at = sign_in("nobody", "dpo-pass-1")
    assert "auth" not in at.session_state
    assert any("Väärä" in e.value for e in at.error)


def test_the_sign_in_page_greets_in_swedish_too(env):
    at = new_app().run()
    assert any("Välkommen" in c.value for c in at.caption)


@pytest.mark.parametrize("name", DPO_PAGES)
def test_the_data_protection_officer_can_open_every_page(env, name):
    at = page(sign_in("dpo1"), name)
    assert not at.error, [e.value for e in at.error]
    assert at.header or at.title


def test_the_overview_shows_daily_events_per_source_and_the_ingest_tally(env):
    at = page(sign_in("dpo1"), "overview")
    assert len(at.get("plotly_chart")) >= 2
    assert at.metric[0].value.replace(" ", "").isdigit() and int(at.metric[0].value.replace(" ", "")) > 40
    tally = at.dataframe[0].value
    assert {"records_read", "quarantined"} <= set(tally.columns)


def test_the_supervision_unit_cannot_open_pages_reserved_for_the_data_protection_officer(env):
    at = sign_in("valvoja")
    for name in ("overview", "user_timeline", "client_timeline", "anomalies", "report", "requests"):
        with pytest.raises(ValueError):
            at.switch_page(f"app_pages/{name}.py")


def test_the_supervision_unit_sees_only_findings_about_private_providers(env):
    at = page(sign_in("valvoja"), "findings")
    listing = at.dataframe[0].value
    assert len(listing) > 0
    assert set(listing["organisation_id"]) == {"PRV1"}
    page(at, "provider")
    assert at.get("plotly_chart")


def test_the_request_handler_sees_only_the_requests_page(env):
    at = sign_in("kasittelija")
    assert at.header[0].value == "Selvityspyynnöt"
    for name in DPO_PAGES[:-1]:
        with pytest.raises(ValueError):
            at.switch_page(f"app_pages/{name}.py")


def test_a_triage_status_change_survives_a_restart_of_the_app(env):
    at = page(sign_in("dpo1"), "findings")
    at.selectbox(key="finding_pick").set_value("f-involvement").run()
    at.selectbox(key="review_status").set_value("violation_confirmed")
    at.text_input(key="review_assignee").input("dpo1")
    at.text_area(key="review_note").input("Ei asiakassuhdetta; selvitetään esihenkilön kanssa.")
    at.button(key="FormSubmitter:review-Tallenna").click().run()
    assert not at.exception

    restarted = page(sign_in("dpo1"), "findings")
    restarted.selectbox(key="f_status").set_value("violation_confirmed").run()
    listing = restarted.dataframe[0].value
    assert list(listing["finding_id"]) == ["f-involvement"]
    history = workstore.review_history(work_path(env), "f-involvement")
    assert history["status"].to_list()[-1] == "violation_confirmed"
    assert history["actor"].to_list()[-1] == "dpo1"


def test_opening_a_finding_shows_its_events_reference_rows_and_legal_basis(env):
    at = page(sign_in("dpo1"), "findings")
    at.selectbox(key="finding_pick").set_value("f-involvement").run()
    frames = [d.value for d in at.dataframe]
    events = next(f for f in frames if "source_event_id" in f.columns)
    assert list(events["source_event_id"]) == ["E9001"]
    assert "27.5.2025 22.40" in set(events["event_local"])  # Finnish date and time format
    involvement = next(f for f in frames if "kind" in f.columns)
    assert "responsible_worker" in set(involvement["kind"])
    assert any("Oikeudellinen" in e.label for e in at.expander)


def test_every_look_up_of_a_person_or_provider_is_written_to_the_work_store(env):
    before = workstore.access_log(work_path(env)).height
    at = page(sign_in("dpo1"), "user_timeline")
    page(at, "provider")
    at = page(sign_in("valvoja"), "provider")
    log = workstore.access_log(work_path(env)).slice(before)
    assert {"staff_id", "provider_id"} <= {c for c in log.columns if log[c].drop_nulls().len() > 0}
    assert set(log["role"]) == {"dpo", "supervision"}
    assert set(log["page"]) >= {"user_timeline", "provider"}


def test_a_client_look_up_is_logged_as_a_search_and_draws_the_client_timeline(env):
    at = page(sign_in("dpo1"), "client_timeline")
    at.text_input(key="client_input").input(C1)
    at.button(key="FormSubmitter:client_lookup-Näytä").click().run()
    assert not at.exception
    assert at.get("plotly_chart")
    log = workstore.access_log(work_path(env))
    assert log.filter((log["client_id"] == C1) & (log["action"] == "search")).height >= 1


def test_an_anomaly_opens_the_user_timeline_of_that_staff_member_and_day(env):
    at = page(sign_in("dpo1"), "anomalies")
    assert any("22.40" in m.value for m in at.markdown)
    at.button(key="anomaly_open_0").click().run()
    assert at.session_state["timeline_staff"] == "S002"
    assert at.selectbox(key="user_staff").value == "S002"


def test_an_idle_session_is_signed_out(env):
    at = page(sign_in("dpo1"), "overview")
    at.session_state["last_activity"] = time.time() - 16 * 60
    at.run()
    assert "auth" not in at.session_state
    assert any("käyttämättömyyden" in w.value for w in at.warning)


def test_the_language_switch_turns_the_interface_into_english(env):
    at = page(sign_in("dpo1"), "overview")
    at.radio(key="lang_choice").set_value("en").run()
    at = page(at, "overview")
    assert at.header[0].value == "Overview"


def test_the_monitoring_report_page_builds_a_pdf_for_the_month(env):
    at = page(sign_in("dpo1"), "report")
    at.button(key="make_report").click().run()
    assert not at.exception
    assert at.session_state["report_pdf"][1][:4] == b"%PDF"


@pytest.mark.slow
def test_every_page_renders_on_the_bundled_sample_county(sample_env):
    """Every page renders without an error on a real pipeline run; how fast is the page benchmark's to measure
    (`lokivahti bench`, docs/benchmarks.md), not a unit test's."""
    from pipelines.dashboard_bench import page_timings

    timings = page_timings(Path(sample_env["LOKIVAHTI_STORE"]))  # raises if a page raises
    assert set(timings) == set(DPO_PAGES)


def test_on_a_store_that_does_not_exist_yet_the_app_offers_the_bundled_sample_county(env, monkeypatch, tmp_path):
    monkeypatch.setenv("LOKIVAHTI_STORE", str(tmp_path / "empty.duckdb"))
    at = sign_in("dpo1")
    assert not at.exception
    assert any("Tietovarastoa ei ole vielä luotu" in i.value for i in at.info)
    from app_pages._sample import SAMPLE

    if (SAMPLE / "reference").is_dir():
        assert at.button(key="load_sample").label.startswith("Lataa esimerkkimaakunta")


def test_an_investigation_pack_export_is_logged_as_an_export_of_that_provider(env):
    at = page(sign_in("valvoja"), "provider")
    at.button(key="build_pack").click().run()
    assert not at.exception
    assert at.session_state["provider_pack"][0] == "PRV1"
    log = workstore.access_log(work_path(env))
    exports = log.filter((log["action"] == "export") & (log["provider_id"] == "PRV1"))
    assert exports.height >= 1 and set(exports["role"]) == {"supervision"}
