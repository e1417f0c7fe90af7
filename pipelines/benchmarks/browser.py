"""Each dashboard page's first render measured in a real browser: from the moment the page is asked for until
Streamlit is idle (its own script-run state is "not running", nothing is stale or waiting for data) and every chart
on it has drawn its marks. The script-run state, not the "Running..." widget: the widget shows only after a
delay, so a page whose heading was out while its queries still ran used to count as rendered.

    python -m pipelines.benchmarks.browser STORE                 # every role's pages, seconds per page
    python -m pipelines.benchmarks.browser STORE --role supervision --json

What one figure is: a fresh server (`lokivahti serve`'s command: no file watcher, so nothing is cached across
pages) on the store's published snapshot, Debian's Chromium signed in as the role, the landing page rendered (as
after any sign-in), then the page opened by its address with its heaviest subject (the busiest staff member over
the whole period, the busiest provider, the busiest client, whose identity code is typed into the form as a user
would) and timed. The landing page itself is timed from the sign-in click. A full page load is included (the
browser reconnects and the session is restored from its cookie), so the figure is what a user following a link
waits, and a little more than a click in the sidebar.

`lokivahti bench` prints these beside the server-side AppTest figures of `benchmarks.dashboard`.

The store is never written: `benchmarks.dashboard.bench_environment` gives the server links to the store and its
snapshot and a copy of the work store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .. import PROJECT_ROOT
from .dashboard import ROLES, bench_environment, page_echo, print_summary

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# page key -> (url path, page title in Finnish: the heading to wait for)
PAGES = {
    "overview": ("overview", "Yleiskuva"),
    "findings": ("findings", "Havaintojen käsittely"),
    "cases": ("cases", "Tapaukset"),
    "user": ("user-timeline", "Käyttäjän aikajana"),
    "client": ("client-timeline", "Asiakkaan aikajana"),
    "anomalies": ("anomalies", "Poikkeavimmat käyttäjäpäivät"),
    "provider": ("provider", "Palveluntuottajan valvonta"),
    "report": ("report", "Valvontaraportti"),
    "requests": ("requests", "Selvityspyynnöt"),
}
LANDING = {"dpo": "overview", "supervision": "findings", "request_handler": "requests"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, timeout: float, poll: float = 0.2) -> bool:
    """Whether the Streamlit server at `url` answers its health check within `timeout` seconds (False when it
    does not, or its process ends first)."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            return False
        time.sleep(poll)


def stop_server(proc: subprocess.Popen) -> None:
    """End the server's whole process group (Streamlit starts helpers): politely, then by force."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running_server(port: int | None = None, timeout: float = 90):
    """`lokivahti serve`'s Streamlit command on a port (a free one by default), in its own process group; yields
    the base URL."""
    from ..commands.serve import streamlit_command

    port = port or _free_port()
    env = dict(os.environ, LOKIVAHTI_DEMO="0")
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"), cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_health(url, proc, timeout):
            raise RuntimeError("the dashboard server did not start")
        yield url
    finally:
        stop_server(proc)


def wait_rendered(page, heading: str, timeout_s: float = 120) -> None:
    """Until the page's heading shows, no script runs, nothing is stale and every chart has drawn its marks."""
    deadline = time.time() + timeout_s
    page.get_by_role("heading", name=heading).first.wait_for(timeout=timeout_s * 1000)
    while time.time() < deadline:
        # Streamlit's own state of the script run (its status widget shows only after a delay, so a page whose
        # heading is out while its queries still run looked idle), an element left from an earlier run, or one
        # still waiting for its data
        running = (page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 0
                   or page.locator("[data-stale='true']").count() or page.get_by_test_id("stSkeleton").count())
        charts = page.get_by_test_id("stVegaLiteChart").count()
        drawn = page.locator("[data-testid='stVegaLiteChart'] svg.marks:has(.role-mark)").count()
        if not running and drawn >= charts:
            if page.get_by_test_id("stException").count():
                raise RuntimeError(f"page {heading} raised an exception")
            return
        page.wait_for_timeout(40)
    raise TimeoutError(f"page {heading} not rendered in {timeout_s} s")


def _sign_in(page, url: str, role: str) -> float:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    # a person reads the form before typing: the page's own loading (the chart modules it prepares) is done by
    # then, at most a few seconds later
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except PlaywrightTimeout:
        pass
    page.get_by_label("Käyttäjätunnus").fill(role)
    page.get_by_label("Salasana").fill("bench-password")
    start = time.perf_counter()
    page.get_by_role("button", name="Kirjaudu sisään").click()
    wait_rendered(page, PAGES[LANDING[role]][1])
    return time.perf_counter() - start


def page_seconds(role: str, key: str, subjects: dict, context, port: int, shots: Path | None = None) -> float:
    """Seconds for one page's first render (fresh server, signed in, then the page opened by its address).

    Every server of a run listens on the same port, so the browser context's cache holds Streamlit's own
    JavaScript after the first page, as a user's browser does; the query caches start empty each time."""
    with running_server(port) as url:
        context.clear_cookies()
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            landing = _sign_in(page, url, role)
            if key == LANDING[role]:
                seconds = landing
            else:
                path, heading = PAGES[key]
                # the page's default period is the data's real span (a few events dated years off excluded)
                query = {"user": f"?staff={subjects['staff']}",
                         "cases": f"?staff={subjects['staff']}",
                         "provider": f"?provider={subjects['provider']}"}.get(key, "")
                start = time.perf_counter()
                page.goto(f"{url}/{path}{query}")
                wait_rendered(page, heading)
                if key == "client" and subjects.get("client"):  # typed, as a user would: never in an address
                    page.get_by_label("Asiakkaan tunniste (henkilötunnus)").fill(subjects["client"])
                    page.get_by_role("button", name="Näytä").click()
                    page.wait_for_timeout(100)
                    wait_rendered(page, heading)
                seconds = time.perf_counter() - start
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"bench_{role}_{key}.png"), full_page=True)
            return seconds
        finally:
            page.close()


def browser_timings(store: str | os.PathLike, roles=ROLES, shots: Path | None = None,
                    echo=None) -> dict[tuple[str, str], float]:
    """{(role, page): seconds} of each page's first render in Chromium, for every role that sees the page (a page
    can be slower for one role than another: the supervision unit's provider page was, while the DPO's was not)."""
    from playwright.sync_api import sync_playwright

    from ..access import PAGE_ROLES

    chromium = shutil.which("chromium")
    if not chromium:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    timings: dict[tuple[str, str], float] = {}
    with bench_environment(store) as (_local, subjects), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        port = _free_port()
        try:
            for role in roles:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                for key in PAGES:
                    if role not in PAGE_ROLES.get(key, ()):
                        continue
                    timings[(role, key)] = page_seconds(role, key, subjects, context, port, shots)
                    if echo:
                        echo(role, key, timings[(role, key)])
                context.close()
        finally:
            browser.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.benchmarks.browser",
                                     description="Time each dashboard page's first render in Chromium.")
    parser.add_argument("store", type=Path)
    parser.add_argument("--role", action="append", choices=ROLES, help="only this role (repeatable); default all")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--target", type=float, default=2.0)
    parser.add_argument("--screenshots", type=Path, default=None, help="save each timed page's screenshot here")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the server's group still goes down

    if not args.json:
        print(f"first render of each page in Chromium on {args.store} (target < {args.target:g} s)")
    timings = browser_timings(args.store, tuple(args.role or ROLES), args.screenshots,
                              page_echo(args.json, args.target))
    return print_summary(timings, args.json, args.target)


if __name__ == "__main__":
    sys.exit(main())
