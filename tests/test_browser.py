"""The dashboard in a real browser: `streamlit run app.py` on a tmp store, Chromium signs in, visits every
page, reviews a finding, and saves a screenshot of each page under test-artifacts/screenshots/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_county import PASSWORDS, make_app_env

from pipelines import PROJECT_ROOT, workstore
from pipelines.store import work_store_path

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium")
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PAGE_TITLES = ["Yleiskuva", "Havaintojen käsittely", "Käyttäjän aikajana", "Asiakkaan aikajana", "Poikkeamat",
               "Palveluntuottajan valvonta", "Valvontaraportti", "Selvityspyynnöt"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    env = dict(os.environ, **make_app_env(tmp_path / "county"))
    port = free_port()
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("streamlit did not start: " + (tmp_path / "streamlit.log").read_text()[-2000:])
            time.sleep(0.3)
        yield url, env, tmp_path / "streamlit.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_a_signed_in_data_protection_officer_visits_every_page_and_reviews_a_finding(server):
    from playwright.sync_api import expect, sync_playwright

    url, env, server_log = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(url)
            page.get_by_label("Käyttäjätunnus").fill("dpo1")
            page.get_by_label("Salasana").fill(PASSWORDS["dpo1"])
            page.screenshot(path=str(SHOTS / "00_sign_in.png"))
            page.get_by_role("button", name="Kirjaudu sisään").click()
            expect(page.get_by_role("heading", name="Yleiskuva")).to_be_visible()

            for i, title in enumerate(PAGE_TITLES, start=1):
                page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
                expect(page.get_by_role("heading").first).to_be_visible()
                page.wait_for_timeout(300)
                _wait_until_idle(page)
                assert page.get_by_test_id("stException").count() == 0, title
                page.screenshot(path=str(SHOTS / f"{i:02d}_{title.replace(' ', '_')}.png"), full_page=True)

            page.get_by_test_id("stSidebarNav").get_by_text("Havaintojen käsittely", exact=True).click()
            _wait_until_idle(page)
            form = page.get_by_test_id("stForm")
            combo = form.get_by_role("combobox").first
            combo.click()
            combo.fill("väärä")
            page.get_by_role("option", name="väärä hälytys").click()
            form.get_by_label("Muistiinpano").fill("Selvitetty selaintestissä.")
            form.get_by_role("button", name="Tallenna").click()
            _wait_until_idle(page)
            expect(page.get_by_text("(väärä hälytys)")).to_be_visible()
            page.screenshot(path=str(SHOTS / "09_review_saved.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)
            print(server_log.read_text(errors="replace")[-4000:])
            raise
        finally:
            browser.close()
    log = workstore.current_reviews(work_store_path(Path(env["LOKIVAHTI_STORE"])))
    assert "false_positive" in log["status"].to_list()


def _wait_until_idle(page, timeout_s: float = 30) -> None:
    """Wait until Streamlit has finished the script run (no 'running' status widget)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if page.get_by_test_id("stStatusWidget").count() == 0 and page.locator("[data-stale='true']").count() == 0:
            break
        page.wait_for_timeout(200)
    if page.get_by_test_id("stPlotlyChart").count():  # charts draw after the run ends
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=timeout_s * 1000)
    page.wait_for_timeout(500)
