"""The dashboard in a real browser: the server as `lokivahti serve` starts it (no file watcher, own process group)
on a tiny county, Debian's Chromium driven by Playwright through a data protection officer's working day: every
page, two findings triaged in a row, two people editing one finding, the monthly report, a case and its evidence
pack, a reload, a deep link, sign-out and sign-in as another role, and the Swedish interface. Screenshots of every
page and task go to test-artifacts/screenshots/ (at 1024 px wide, the narrowest screen the DPO works on).

Run with `pytest -m browser tests/test_browser.py`; skipped where Chromium is not installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest
from app_county import C1, PASSWORDS, make_app_env

from pipelines import PROJECT_ROOT, workstore
from pipelines.benchmarks.browser import stop_server, wait_for_health
from pipelines.commands.serve import streamlit_command
from pipelines.store import work_store_path

pytestmark = [pytest.mark.browser, pytest.mark.skipif(shutil.which("chromium") is None,
                                                      reason="Debian's chromium is not installed")]
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PAGE_TITLES = ["Yleiskuva", "Havaintojen käsittely", "Tapaukset", "Käyttäjän aikajana", "Asiakkaan aikajana",
               "Poikkeamat", "Palveluntuottajan valvonta", "Valvontaraportti", "Selvityspyynnöt"]
VIEWPORT = {"width": 1024, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hold_a_request(store: Path) -> str:
    """A request of a client who has died: held for the request handler's decision (counties do not release a
    deceased person's logs by default). Returns its id."""
    from app_county import C3

    from pipelines.config import load_config
    from pipelines.disclosure import register_request
    from pipelines.store import connect, publish_snapshot

    con = connect(store)
    try:
        con.execute("UPDATE ref_clients SET deceased_on = DATE '2025-06-01' WHERE client_id = ?", [C3])
    finally:
        con.close()
    publish_snapshot(store, config=load_config())
    made = register_request(work_store_path(store), client_id=C3, relation="representative", period_from="2025-05-01",
                            period_to="2025-05-31", requester_name="Kuolinpesän osakas", handler="kasittelija")
    return made.request_id


@pytest.fixture
def server(tmp_path):
    env = dict(os.environ, **make_app_env(tmp_path / "county"), LOKIVAHTI_DEMO="0")
    env["HELD_REQUEST"] = hold_a_request(Path(env["LOKIVAHTI_STORE"]))
    port = free_port()
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"), cwd=PROJECT_ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_health(url, proc, 60, poll=0.3):
            pytest.fail("streamlit did not start: " + (tmp_path / "streamlit.log").read_text()[-2000:])
        yield url, env, tmp_path / "streamlit.log"
    finally:
        stop_server(proc)
        log.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_idle(page, timeout_s: float = 30) -> None:
    """Until Streamlit has finished the script run (no running indicator, nothing stale) and charts are drawn."""
    deadline = time.time() + timeout_s
    page.wait_for_timeout(150)
    while time.time() < deadline:
        if (page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count()
                and page.locator("[data-stale='true']").count() == 0 and page.get_by_test_id("stSkeleton").count() == 0):
            break
        page.wait_for_timeout(100)
    if page.get_by_test_id("stPlotlyChart").count():
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=timeout_s * 1000)
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, url: str, name: str, path: str = "") -> None:
    page.goto(url + path)
    page.get_by_label("Käyttäjätunnus").fill(name)
    page.get_by_label("Salasana").fill(PASSWORDS[name])
    page.get_by_role("button", name="Kirjaudu sisään").click()
    wait_idle(page)


# the sign-in form's username and password labels and its button, in the language chosen on the form
SIGN_IN_WORDS = {"Suomi": ("Käyttäjätunnus", "Salasana", "Kirjaudu sisään"),
                 "Svenska": ("Användarnamn", "Lösenord", "Logga in")}


def sign_in_speaking(page, url: str, name: str, language: str) -> None:
    """Chooses the interface language on the sign-in form, then signs in through the form's labels in it."""
    user, password, button = SIGN_IN_WORDS[language]
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_test_id("stRadio").get_by_text(language).click()
    wait_idle(page)
    page.get_by_label(user).fill(name)
    page.get_by_label(password).fill(PASSWORDS[name])
    page.get_by_role("button", name=button).click()
    wait_idle(page)


def nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_idle(page)


def choose(page, label: str, option: str | None = None, index: int | None = None, scope=None) -> None:
    """Pick in a Streamlit select box by its label: the option with this text, or the index-th option."""
    box = (scope or page).get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    box.click()
    options = page.get_by_role("option")
    try:
        options.first.wait_for(timeout=3000)
    except Exception:  # noqa: BLE001 - the menu opens on a key press when the click only focused the box
        box.press("ArrowDown")
        options.first.wait_for(timeout=10_000)
    (options.filter(has_text=option).first if option is not None else options.nth(index or 0)).click()
    wait_idle(page)


def review_form(page):
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Tallenna"))


def outside_requests(page, url: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith((url, "data:", "blob:", "about:"))
            else None)
    return seen


def test_a_data_protection_officers_day_in_the_browser(server, browser):
    url, env, server_log = server
    work = work_store_path(Path(env["LOKIVAHTI_STORE"]))
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside = outside_requests(page, url)
    try:
        # a deep link before signing in leads to the sign-in form, then to the finding itself
        page.goto(url + "/findings?finding=f-involvement")
        wait_idle(page)
        assert page.get_by_text("Page not found").count() == 0
        shot(page, "00_sign_in_from_a_deep_link")
        page.get_by_label("Käyttäjätunnus").fill("dpo1")
        page.get_by_label("Salasana").fill(PASSWORDS["dpo1"])
        page.get_by_role("button", name="Kirjaudu sisään").click()
        wait_idle(page)
        page.get_by_role("heading", name="Havaintojen käsittely").wait_for()
        assert "f-involvement" in page.url
        assert page.evaluate("document.documentElement.lang") == "fi"

        for i, title in enumerate(PAGE_TITLES, start=1):
            nav(page, title)
            assert page.get_by_test_id("stException").count() == 0, title
            assert page.get_by_text("31.12.9999").count() == 0, title
            shot(page, f"{i:02d}_{title.replace(' ', '_')}")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"] + 1  # usable at 1024 px

        # triage two findings in a row: each keeps its own state
        nav(page, "Havaintojen käsittely")
        choose(page, "Avaa havainto", index=0)
        first_url = page.url
        choose(page, "Tila", "rikkomus vahvistettu", scope=review_form(page))
        review_form(page).get_by_label("Muistiinpano").fill("Ensimmäinen: ei asiakassuhdetta.")
        review_form(page).get_by_role("button", name="Tallenna").click()
        wait_idle(page)
        page.get_by_text("Tallennettu.").wait_for()
        first = re.search(r"finding=([^&]+)", first_url).group(1)
        choose(page, "Avaa havainto", index=1)
        second = re.search(r"finding=([^&]+)", page.url).group(1)
        assert second != first
        form = review_form(page)
        assert form.get_by_label("Muistiinpano").input_value() == ""  # nothing carried over
        assert "rikkomus vahvistettu" not in form.get_by_role("combobox", name="Tila").input_value() and \
            form.get_by_text("rikkomus vahvistettu").count() == 0
        choose(page, "Tila", "väärä hälytys", scope=form)
        form.get_by_label("Muistiinpano").fill("Toinen: sijaisuus.")
        form.get_by_role("button", name="Tallenna").click()
        wait_idle(page)
        shot(page, "10_two_findings_triaged")
        reviews = {r["finding_id"]: r for r in workstore.current_reviews(work).iter_rows(named=True)}
        assert reviews[first]["status"] == "violation_confirmed" and reviews[first]["note"].startswith("Ensimmäinen")
        assert reviews[second]["status"] == "false_positive" and reviews[second]["note"].startswith("Toinen")

        # reload (F5): still signed in, on the same finding
        page.reload()
        wait_idle(page)
        page.get_by_role("heading", name="Havaintojen käsittely").wait_for()
        assert f"finding={second}" in page.url
        assert page.get_by_label("Käyttäjätunnus").count() == 0
        shot(page, "11_after_reload")

        # the monthly report of a month with data
        nav(page, "Valvontaraportti")
        page.get_by_role("button", name="Muodosta raportti").click()
        wait_idle(page)
        with page.expect_download() as got:
            page.get_by_role("button", name="Lataa PDF").click()
        assert got.value.path().read_bytes()[:4] == b"%PDF"
        assert "5/2025" in page.get_by_role("combobox", name="Kuukausi").input_value()
        shot(page, "12_report_built")

        # a case: one person's findings grouped, exported with the CSV's SHA-256
        page.goto(url + "/cases?staff=S003")
        wait_idle(page)
        page.get_by_role("button", name="Muodosta todistepaketti (PDF ja CSV)").click()
        wait_idle(page)
        shown_hash = re.search(r"[0-9a-f]{64}", page.get_by_text("SHA-256").first.inner_text()).group(0)
        with page.expect_download() as got:
            page.get_by_role("button", name=re.compile(r"\.csv$")).click()
        assert hashlib.sha256(got.value.path().read_bytes()).hexdigest() == shown_hash
        with page.expect_download() as got:
            page.get_by_role("button", name=re.compile(r"\.pdf$")).click()
        assert got.value.path().read_bytes()[:4] == b"%PDF"
        shot(page, "13_case_exported")

        # a finding links to the user timeline at its window
        page.goto(url + "/findings?finding=f-involvement")
        wait_idle(page)
        page.get_by_role("link", name="Työntekijän aikajana havainnon ajalta").click()
        wait_idle(page)
        assert "staff=S002" in page.url and "from=2025-05-20" in page.url and "to=2025-06-03" in page.url
        shot(page, "14_user_timeline_from_a_finding")
        page.goto(url + "/findings?finding=f-involvement")
        wait_idle(page)
        page.get_by_role("link", name="Asiakkaan aikajana havainnon ajalta").click()
        # the client timeline's own chart, not a count taken before its first run has drawn anything: under load
        # the new page can look idle (no run started yet) when wait_idle polls it
        page.wait_for_url(re.compile(r"/client-timeline\?"))
        page.get_by_test_id("stPlotlyChart").first.wait_for()
        wait_idle(page)
        shot(page, "15_client_timeline_from_a_finding")

        # the Swedish interface
        page.get_by_test_id("stSidebar").get_by_text("Svenska").click()
        wait_idle(page)
        nav(page, "Översikt")
        page.get_by_role("heading", name="Översikt").wait_for()
        assert page.evaluate("document.documentElement.lang") == "sv"
        shot(page, "16_swedish_overview")
        nav(page, "Hantering av observationer")
        shot(page, "17_swedish_findings")
        page.get_by_test_id("stSidebar").get_by_text("Suomi").click()
        wait_idle(page)

        # sign out, then in as the request handler: nothing of the previous session is left
        page.get_by_role("button", name="Kirjaudu ulos").click()
        wait_idle(page)
        page.get_by_label("Käyttäjätunnus").wait_for()
        assert "lokivahti_session" not in {c["name"] for c in context.cookies() if c["value"]}
        page.reload()
        wait_idle(page)
        page.get_by_label("Käyttäjätunnus").wait_for()  # a reload after sign-out does not sign back in
        sign_in(page, url, "kasittelija")
        page.get_by_role("heading", name="Selvityspyynnöt").wait_for()
        sidebar = page.get_by_test_id("stSidebarNav")
        assert sidebar.get_by_text("Havaintojen käsittely").count() == 0
        assert page.get_by_role("button", name=re.compile(r"\.csv$|\.pdf$")).count() == 0
        shot(page, "18_request_handler_after_sign_out")
        decide_the_held_request(page, work, env["HELD_REQUEST"])
        assert not outside, f"requests to outside the server: {outside[:5]}"
    except Exception:
        shot(page, "failure")
        print(server_log.read_text(errors="replace")[-4000:])
        raise
    finally:
        context.close()


def decide_the_held_request(page, work: Path, request_id: str) -> None:
    """The request handler refuses the held request with written reasoning; the register records it."""
    from pipelines.disclosure import get_request

    choose(page, "Pyyntö", request_id)
    page.get_by_text("hylkää").first.click()
    choose(page, "Peruste (hylkäys tai osittainen)", index=7)  # the ground: the client has died (REFUSAL_GROUNDS)
    page.get_by_label("Perustelut (kirjallinen päätös)").fill("Kuolleen henkilön lokitietoja ei luovuteta ilman "
                                                                "erityistä syytä.")
    page.get_by_role("button", name="Kirjaa päätös").click()
    wait_idle(page)
    shot(page, "19_held_request_decided")
    decided = get_request(work, request_id)
    assert decided.professional_decision == "refuse" and decided.professional_by == "kasittelija"


def test_two_people_editing_one_finding_are_told_of_each_others_change(server, browser):
    url, env, server_log = server
    work = work_store_path(Path(env["LOKIVAHTI_STORE"]))
    fid = "f-provider-E0045"  # a provider finding: both the DPO and the supervision unit may review it
    pages = []
    try:
        for name in ("dpo1", "valvoja"):
            ctx = browser.new_context(viewport=VIEWPORT)
            p = ctx.new_page()
            p.set_default_timeout(30_000)
            sign_in(p, url, name, f"/findings?finding={fid}")
            p.get_by_role("heading", name="Havaintojen käsittely").wait_for()
            pages.append(p)
        dpo, supervisor = pages
        for p in pages:
            assert f"finding={fid}" in p.url
        choose(dpo, "Tila", "selitetty", scope=review_form(dpo))
        review_form(dpo).get_by_label("Muistiinpano").fill("Luvitus jatkui, päätös viivästyi.")
        review_form(dpo).get_by_role("button", name="Tallenna").click()
        wait_idle(dpo)
        dpo.get_by_text("Tallennettu.").wait_for()

        choose(supervisor, "Tila", "rikkomus vahvistettu", scope=review_form(supervisor))
        review_form(supervisor).get_by_role("button", name="Tallenna").click()
        wait_idle(supervisor)
        supervisor.get_by_text(re.compile("Havaintoa muutti dpo1")).wait_for()
        shot(supervisor, "20_concurrent_edit_refused")
        latest = workstore.current_reviews(work).filter(pl.col("finding_id") == fid).row(0, named=True)
        assert latest["status"] == "explained" and latest["actor"] == "dpo1"  # not overwritten
    except Exception:
        for i, p in enumerate(pages):
            shot(p, f"failure_concurrent_{i}")
        print(server_log.read_text(errors="replace")[-4000:])
        raise


def _grid_text(page) -> str:
    """The text of every table on the page: the grids draw on a canvas and keep their cells, for screen readers,
    in an accessible table of the same content."""
    return " ".join(page.locator("[data-testid='stDataFrame'] table").all_inner_texts())


@pytest.mark.parametrize("name, sees_code", [("dpo1", True), ("valvoja", False)])
def test_a_findings_client_is_named_by_identity_code_only_to_the_data_protection_officer(server, browser, name,
                                                                                          sees_code):
    """The supervision unit supervises the provider's conduct (611/2021 10 § 2 mom): a finding's accesses show
    which client by a stand-in, never the identity code; the DPO, who answers the client's own requests, sees it."""
    url, _env, _log = server
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, url, name, "/findings?finding=f-provider-E0045")
        page.get_by_role("heading", name="Havaintojen käsittely").wait_for()
        wait_idle(page)
        events = page.get_by_test_id("stDataFrame").nth(1)
        events.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        text = _grid_text(page)
        assert "E0045" in text  # the finding's event is listed
        assert (C1 in text) == sees_code
        assert C1 not in page.locator("[data-testid='stMain']").inner_text() or sees_code
        if not sees_code:
            assert "asiakas " in text
        shot(page, f"20_finding_events_{name}")
    finally:
        context.close()


def test_streamlits_own_words_follow_the_chosen_language(server, browser):
    """Streamlit writes its widgets' own words (placeholders, table toolbar, status) in English and has no setting
    for another language; the page replaces them, so a Swedish-speaking reviewer meets no English there."""
    url, _env, _log = server
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        sign_in_speaking(page, url, "dpo1", "Svenska")
        nav(page, "Hantering av observationer")
        page.get_by_role("heading", name="Hantering av observationer").wait_for()
        page.get_by_text("Massbehandling").click()
        wait_idle(page)
        picker = page.get_by_test_id("stMultiSelect").first.get_by_role("combobox")
        assert picker.get_attribute("placeholder") == "Välj ett eller flera"
        shot(page, "21_swedish_streamlit_words")
    finally:
        context.close()


MONTHS = {"fi": ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu",
                 "syyskuu", "lokakuu", "marraskuu", "joulukuu"],
          "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                 "november", "december"]}
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"]


@pytest.mark.parametrize("code, language, words", [
    ("fi", "Suomi", {"dialog": "Valitse ajanjakso", "previous": "Edellinen kuukausi", "month": "kuukausi",
                     "weekdays": "MTKTPLS", "day": "päivä, ", "start": " alkupäivä", "page": "Poikkeamat"}),
    ("sv", "Svenska", {"dialog": "Välj period", "previous": "Föregående månad", "month": "månad",
                       "weekdays": "MTOTFLS", "day": "dag, ", "start": " startdatum", "page": "Avvikelser"}),
])
def test_the_date_pickers_calendar_speaks_the_chosen_language(server, browser, code, language, words):
    """Issue 16: every label in Finnish and Swedish, the date picker's calendar included (Streamlit's calendar
    names months and weekdays in the browser's language, which the page sets to the interface language): the
    month shown, the weekday initials starting from Monday, the calendar's own buttons and the field's parts."""
    url, _env, _log = server
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        sign_in_speaking(page, url, "dpo1", language)
        nav(page, words["page"])
        assert page.evaluate("navigator.language") == {"fi": "fi-FI", "sv": "sv-FI"}[code]
        field = page.get_by_test_id("stDateInput").first
        part = field.get_by_role("spinbutton").first.get_attribute("aria-label")
        assert part.startswith(words["day"]) and part.endswith(words["start"]), part
        field.get_by_test_id("stDateInputCalendarButton").click()
        calendar = page.get_by_test_id("stDateInputCalendar")
        calendar.wait_for()
        page.wait_for_timeout(300)
        shot(page, f"22_calendar_{code}")
        assert calendar.get_attribute("aria-label") == words["dialog"]
        month_button = calendar.get_by_role("button", name=words["month"], exact=True)
        assert month_button.inner_text().strip() in MONTHS[code]
        assert calendar.get_by_role("button", name=words["previous"]).count() == 1
        initials = "".join(t.strip() for t in calendar.locator("th").all_inner_texts())
        assert initials == words["weekdays"]
        text = calendar.inner_text()
        assert not [m for m in ENGLISH_MONTHS if m in text], text[:300]
        # the calendar's next month is named in the language too
        calendar.get_by_role("button", name={"fi": "Seuraava kuukausi", "sv": "Nästa månad"}[code]).click()
        page.wait_for_timeout(300)
        assert month_button.inner_text().strip() in MONTHS[code]
        shot(page, f"23_calendar_next_month_{code}")
    finally:
        context.close()


def test_the_chart_module_is_prepared_while_the_user_signs_in(server, browser):
    """Issue 16: every page's first render under 2 s in the browser. Streamlit's Plotly module (4.7 MB of
    JavaScript) is fetched and evaluated on the sign-in form, before anyone has typed a name; the chart pages reached
    through the navigation draw their charts with that same module and never fetch it again."""
    url, _env, _log = server
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url) if "/PlotlyChart." in r.url else None)
        page.goto(url)
        page.get_by_label("Salasana").wait_for()
        page.wait_for_function("() => (window.__lvPreloads || []).length > 0")
        page.evaluate("() => Promise.all(window.__lvPreloads)")
        assert len(fetched) == 1, fetched  # on the sign-in form, signed out
        page.get_by_label("Käyttäjätunnus").fill("dpo1")
        page.get_by_label("Salasana").fill(PASSWORDS["dpo1"])
        page.get_by_role("button", name="Kirjaudu sisään").click()
        wait_idle(page)
        page.get_by_role("heading", name="Yleiskuva").wait_for()
        page.locator("[data-testid='stPlotlyChart'] .main-svg").nth(1).wait_for()  # both of the overview's charts
        drawn = 2
        for title in ("Käyttäjän aikajana", "Tapaukset", "Palveluntuottajan valvonta"):
            nav(page, title)
            page.get_by_role("heading", name=title).wait_for()
            drawn += page.locator("[data-testid='stPlotlyChart'] .main-svg").count()
        assert drawn > 2  # the timelines drew with it too
        assert len(fetched) == 1, fetched
    finally:
        context.close()
