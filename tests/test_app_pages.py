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
DPO_PAGES = ["overview", "findings", "cases", "user_timeline", "client_timeline", "anomalies", "provider", "report", "requests"]


@pytest.fixture
def env(app_env, monkeypatch, tmp_path):
    """The shared tiny county seen through links in a folder of the test's own, so each test starts with an
    empty work store (review state, access log) of its own."""
    from pipelines.store import snapshot_path

    store = Path(app_env["LOKIVAHTI_STORE"])
    local = tmp_path / "county.duckdb"
    local.symlink_to(store)
    snapshot_path(local).symlink_to(snapshot_path(store))
    own = dict(app_env, LOKIVAHTI_STORE=str(local))
    for key, value in own.items():
        monkeypatch.setenv(key, value)
    return own


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
    assert len(at.get("plotly_chart")) == 2  # events per source and day; findings per week
    rules = next(d.value for d in at.dataframe if "Sääntö" in d.value.columns)
    assert {"Sääntö", "korkea", "Yhteensä"} <= set(rules.columns)  # open findings per rule, a column per severity
    assert (rules["Yhteensä"] > 0).all()
    assert at.metric[0].value.replace(" ", "").isdigit() and int(at.metric[0].value.replace(" ", "")) > 40
    tally = at.dataframe[0].value
    assert {"Luettu", "Karanteenissa"} <= set(tally.columns)  # plain words, not field names


def test_the_supervision_unit_cannot_open_pages_reserved_for_the_data_protection_officer(env):
    at = sign_in("valvoja")
    for name in ("overview", "user_timeline", "client_timeline", "anomalies", "report", "requests"):
        with pytest.raises(ValueError):
            at.switch_page(f"app_pages/{name}.py")


def test_the_supervision_unit_sees_only_findings_about_private_providers(env):
    at = page(sign_in("valvoja"), "findings")
    listing = at.dataframe[0].value
    assert len(listing) > 0
    assert set(listing["Organisaatio"]) == {"Hoivapalvelu Oy"}  # the provider by name
    page(at, "provider")
    assert at.get("plotly_chart")


def _finding_events_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Tapahtuman tunniste" in d.value.columns)


def test_the_supervision_unit_sees_a_providers_accesses_without_the_clients_identity_codes(env):
    """The supervision unit may get the information needed to supervise a provider's services (611/2021 10 § 2
    mom), which is the provider's conduct: which of its staff opened which client's record, when. A client's
    identity code adds nothing to that, so the finding's event table names the client by a pseudonym, the same
    one for every access to that client."""
    at = open_finding(page(sign_in("valvoja"), "findings"), "f-provider-E0045")
    events = _finding_events_table(at)
    cells = {str(v) for col in events.columns for v in events[col].to_list()}
    assert not any(C1 in c for c in cells)
    client = events["Asiakas"].to_list()
    assert client and all(c.startswith("asiakas ") for c in client)
    at.selectbox(key="finding_pick").set_value("f-provider-E0042").run()
    assert _finding_events_table(at)["Asiakas"].to_list()[0] == client[0]  # the same client, the same stand-in
    rendered = " ".join(str(e.value) for e in (*at.markdown, *at.caption, *at.code, *at.subheader))
    assert C1 not in rendered


def test_the_data_protection_officer_sees_the_identity_code_of_a_findings_client(env):
    """The DPO answers for the log's supervision and the client's own requests, so the identity code stays."""
    at = open_finding(page(sign_in("dpo1"), "findings"), "f-provider-E0045")
    assert _finding_events_table(at)["Asiakas"].to_list() == [C1]


def test_the_request_handler_sees_only_the_requests_page(env):
    at = sign_in("kasittelija")
    assert at.header[0].value == "Selvityspyynnöt"
    for name in DPO_PAGES[:-1]:
        with pytest.raises(ValueError):
            at.switch_page(f"app_pages/{name}.py")


def review(at: AppTest, fid: str, status: str | None = None, note: str | None = None, assignee: str | None = None):
    """Fill (not save) the review form of the open finding `fid`."""
    if status:
        at.selectbox(key=f"review_status_{fid}").set_value(status)
    if assignee is not None:
        at.selectbox(key=f"review_assignee_{fid}").set_value(assignee)
    if note is not None:
        at.text_area(key=f"review_note_{fid}").input(note)
    return at


def save(at: AppTest, fid: str) -> AppTest:
    return at.button(key=f"FormSubmitter:review_{fid}-Tallenna").click().run()


def open_finding(at: AppTest, fid: str) -> AppTest:
    at.selectbox(key="f_queue").set_value("all").run()
    return at.selectbox(key="finding_pick").set_value(fid).run()


def test_a_triage_status_change_survives_a_restart_of_the_app(env):
    at = open_finding(page(sign_in("dpo1"), "findings"), "f-involvement")
    review(at, "f-involvement", "violation_confirmed", "Ei asiakassuhdetta; selvitetään esihenkilön kanssa.", "dpo1")
    save(at, "f-involvement")
    assert not at.exception and not at.error

    restarted = page(sign_in("dpo1"), "findings")
    restarted.selectbox(key="f_queue").set_value("all").run()
    restarted.selectbox(key="f_status").set_value("violation_confirmed").run()
    assert restarted.selectbox(key="finding_pick").value == "f-involvement"
    assert len(restarted.dataframe[0].value) == 1
    history = workstore.review_history(work_path(env), "f-involvement")
    assert history["status"].to_list()[-1] == "violation_confirmed"
    assert history["actor"].to_list()[-1] == "dpo1"


def test_opening_another_finding_never_carries_the_previous_findings_status_assignee_or_note(env):
    """The reported fault: after opening another finding the form kept the previous one's values, and Save stored
    them on the new finding. Each finding's form is its own."""
    at = open_finding(page(sign_in("dpo1"), "findings"), "f-involvement")
    review(at, "f-involvement", "violation_confirmed", "Luonnos ensimmäiselle", "")  # unsaved
    other = _finding_ids(env)[0]
    at.selectbox(key="finding_pick").set_value(other).run()
    assert at.selectbox(key=f"review_status_{other}").value == "under_review"  # its own (new) state
    assert at.text_area(key=f"review_note_{other}").value == ""
    assert at.selectbox(key=f"review_assignee_{other}").value == "dpo1"
    save(at, other)
    assert workstore.review_history(work_path(env), "f-involvement").is_empty() or \
        workstore.review_history(work_path(env), "f-involvement")["note"].to_list()[-1] != "Luonnos ensimmäiselle"
    saved = workstore.review_history(work_path(env), other)
    assert saved["status"].to_list()[-1] == "under_review" and saved["note"].to_list()[-1] is None


def _finding_ids(env) -> list[str]:
    """Findings of the store other than f-involvement (the sample county's ids are hashes)."""
    import duckdb

    from pipelines.store import snapshot_path

    con = duckdb.connect(str(snapshot_path(Path(env["LOKIVAHTI_STORE"]))), read_only=True)
    try:
        rows = con.execute("SELECT finding_id FROM findings WHERE finding_id <> 'f-involvement' ORDER BY 1").fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def test_a_second_editor_is_told_who_changed_the_finding_and_nothing_is_overwritten(env):
    at = page(sign_in("dpo1"), "findings")
    assert at.selectbox(key="f_queue").value == "open"
    at.selectbox(key="finding_pick").set_value("f-involvement").run()
    # someone else closes it while dpo1 has it open: it leaves the open queue, but dpo1's form must stay on it
    workstore.record_review(work_path(env), "f-involvement", "explained", actor="tietosuoja2",
                            expected_version=workstore.review_version(work_path(env), "f-involvement"))
    review(at, "f-involvement", "false_positive", "minun arvioni")
    save(at, "f-involvement")
    assert any("tietosuoja2" in e.value for e in at.error)
    history = workstore.review_history(work_path(env), "f-involvement")
    assert history["status"].to_list()[-1] == "explained"  # not overwritten
    save(at, "f-involvement")  # saving again after seeing the change is deliberate
    assert workstore.review_history(work_path(env), "f-involvement")["status"].to_list()[-1] == "false_positive"


def test_the_triage_queue_opens_on_my_open_findings_once_something_is_assigned_to_me(env):
    at = page(sign_in("dpo1"), "findings")
    assert at.selectbox(key="f_queue").value == "open"  # nothing assigned yet: the open findings
    workstore.record_review(work_path(env), "f-involvement", "under_review", actor="dpo1", assignee="dpo1")
    at = page(sign_in("dpo1"), "findings")
    assert at.selectbox(key="f_queue").value == "mine"
    assert len(at.dataframe[0].value) == 1


def test_bulk_review_sets_every_chosen_finding(env):
    at = page(sign_in("dpo1"), "findings")
    chosen = _finding_ids(env)[:2]
    at.multiselect(key="bulk_pick").set_value(chosen)
    at.selectbox(key="bulk_status").set_value("false_positive")
    at.button(key="FormSubmitter:bulk_form-Aseta valituille").click().run()
    assert not at.exception
    assert any("2 havaintoa" in s.value for s in at.success)
    statuses = workstore.current_reviews(work_path(env))
    assert set(statuses.filter(statuses["finding_id"].is_in(chosen))["status"]) == {"false_positive"}


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


def test_the_swedish_interface_translates_pages_statuses_and_columns(env):
    at = page(sign_in("dpo1"), "overview")
    at.radio(key="lang_choice").set_value("sv").run()
    at = page(at, "overview")
    assert at.header[0].value == "Översikt"
    at = page(at, "findings")
    assert at.header[0].value == "Hantering av observationer"
    assert {"Allvarlighet", "Status", "Handläggare"} <= set(at.dataframe[0].value.columns)
    fid = at.selectbox(key="finding_pick").value
    assert "överträdelse bekräftad" in at.selectbox(key=f"review_status_{fid}").options
    assert at.selectbox(key="f_queue").options[0] == "Min kö: öppna, tilldelade mig"


def test_the_monitoring_report_page_builds_a_pdf_for_the_month(env):
    at = page(sign_in("dpo1"), "report")
    at.button(key="make_report").click().run()
    assert not at.exception
    assert at.session_state["report_pdf"][1][:4] == b"%PDF"


@pytest.mark.slow
def test_every_page_renders_on_the_bundled_sample_county(sample_env):
    """Every page renders without an error on a real pipeline run; how fast is the page benchmark's to measure
    (`lokivahti bench`, docs/benchmarks.md), not a unit test's."""
    from pipelines.benchmarks.dashboard import page_timings

    timings = page_timings(Path(sample_env["LOKIVAHTI_STORE"]))  # raises if a page raises
    assert set(timings) == set(DPO_PAGES)


def test_without_the_demo_flag_a_missing_store_is_never_offered_synthetic_data(env, monkeypatch, tmp_path):
    monkeypatch.setenv("LOKIVAHTI_STORE", str(tmp_path / "typo.duckdb"))
    monkeypatch.delenv("LOKIVAHTI_DEMO", raising=False)
    at = sign_in("dpo1")
    assert any("Tietovarastoa ei ole vielä luotu" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "load_sample"]


def test_on_a_store_that_does_not_exist_yet_the_app_offers_the_bundled_sample_county(env, monkeypatch, tmp_path):
    monkeypatch.setenv("LOKIVAHTI_STORE", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("LOKIVAHTI_DEMO", "1")
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


IDENTITY_CODE = r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$"


def _identity_codes_on_page(at: AppTest) -> set[str]:
    import re

    cells = {str(v) for d in at.dataframe for col in d.value.columns for v in d.value[col].to_list()}
    return {c for c in cells if re.match(IDENTITY_CODE, c)}


@pytest.mark.parametrize(("user", "page_name", "role"), [("valvoja", "provider", "supervision"),
                                                         ("dpo1", "user_timeline", "dpo")])
def test_a_page_that_names_clients_logs_a_look_up_of_each_of_them_once_per_session(env, user, page_name, role):
    """Every dashboard look-up of a person is itself logged (the brief), so that a client's own request ("who
    viewed my data", 2016/679 art. 15) finds it. The provider page names the provider's clients by identity code
    (the supervision unit follows up "which of its staff accessed which clients", 611/2021 10 § 2 mom), and a
    staff member's timeline names every client they opened: showing such a page is a look-up of each client it
    names, not only of the provider or the worker."""
    before = workstore.access_log(work_path(env)).height
    at = page(sign_in(user), page_name)
    shown = _identity_codes_on_page(at)
    assert shown
    log = workstore.access_log(work_path(env)).slice(before)
    reads = log.filter((log["page"] == page_name) & (log["action"] == "read") & log["client_id"].is_not_null())
    assert set(reads["client_id"]) >= shown
    assert reads["client_id"].is_unique().all() and set(reads["role"]) == {role}
    at.run()                                             # the same page again in the same session: nothing new
    assert workstore.access_log(work_path(env)).height == before + log.height


def test_an_investigation_packs_export_is_logged_once_for_each_client_the_pack_names(env):
    """The pack is a file handed out with clients' identity codes in it: each client it names gets an export row
    of its own (every time: an export is never deduplicated), so each client's answer shows the export."""
    from pipelines.reports.provider_pack import build_pack
    from pipelines.store import snapshot_path

    at = page(sign_in("valvoja"), "provider")
    before = workstore.access_log(work_path(env)).height
    at.button(key="build_pack").click().run()
    assert not at.exception
    log = workstore.access_log(work_path(env)).slice(before)
    exports = log.filter(log["action"] == "export")
    named = build_pack(snapshot_path(Path(env["LOKIVAHTI_STORE"])).resolve(), "PRV1").client_ids
    assert C1 in named
    assert sorted(exports["client_id"]) == sorted(named)
    assert set(exports["provider_id"]) == {"PRV1"} and set(exports["role"]) == {"supervision"}


def test_a_timeline_with_many_accesses_is_drawn_as_counts_per_day_and_a_narrow_window_in_detail(env, monkeypatch):
    """A busy worker's year drawn access by access was an 8,000-pixel chart; above the limit it is counted per day
    (findings marked with their own pattern and a cross), and a link's fortnight shows each access again."""
    import json

    from app_pages import _data

    monkeypatch.setattr(_data, "CHART_MAX", 5)
    at = page(sign_in("dpo1"), "user_timeline")
    at.selectbox(key="user_staff").set_value("S001").run()
    assert any("päivä kohden" in c.value for c in at.caption)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {t["type"] for t in spec["data"]} >= {"bar"}
    assert all(t.get("marker", {}).get("pattern") is not None for t in spec["data"] if t["type"] == "bar")

    monkeypatch.setattr(_data, "CHART_MAX", 2000)
    at.query_params.update({"staff": "S002", "from": "2025-05-20", "to": "2025-06-03"})
    at = page(at, "user_timeline")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    symbols = {t["name"]: t["marker"]["symbol"] for t in spec["data"] if t["type"] == "scatter"}
    assert symbols.get("havainto") == "x-thin-open"  # the finding: a cross, not only a colour



@pytest.mark.parametrize(("name", "key", "other"),
                         [("user_timeline", "user_staff", "S002"), ("cases", "case_pick", "S002")])
def test_a_person_chosen_on_a_page_opened_through_the_navigation_stays_chosen(env, name, key, other):
    """The page writes the chosen person into its address (a reload or a copied link opens the same one); the run
    after the first choice must not take that address for a new link and put the first person back."""
    at = page(sign_in("dpo1"), name)
    assert at.session_state[key] != other  # the page opened on its first person
    at.selectbox(key=key).set_value(other).run()
    assert at.session_state[key] == other
    at.run()  # any later run keeps the choice too
    assert at.session_state[key] == other
