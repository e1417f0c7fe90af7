"""Each dashboard page's first render measured in a real browser, the way a user reaches it: signed in once, then
every page opened through the app's own navigation (a click on its sidebar link) in the same tab, timed from the
click until Streamlit is idle (its own script-run state is "not running", nothing is stale or waiting for data)
and every chart on the page has drawn. The script-run state, not the "Running..." widget: the widget shows only
after a delay, so a page whose heading was out while its queries still ran used to count as rendered.

    python -m pipelines.benchmarks.browser STORE                 # every role's pages, seconds per page
    python -m pipelines.benchmarks.browser STORE --role supervision --json
    python -m pipelines.benchmarks.browser STORE --no-deep-links # the navigation figures only

Why through the navigation: Streamlit's pages are one single-page application. The JavaScript modules of its
elements (the Plotly chart one is 4.7 MB) are fetched and evaluated once per page load and kept for every page
the navigation opens after it; the sign-in form prepares the chart and table modules while the user reads it and
types. Opening each page by its address instead would reload the application and pay those
modules again on every page, a cost a user meets only when following a link from outside.

What one role's run is: a fresh server (`lokivahti serve`'s command: no file watcher), Debian's Chromium, the
sign-in form loaded and its modules let finish (a person reads the form before typing; the seconds that takes are
printed as "sign-in form ready"), the sign-in timed until the landing page is rendered, then every other page of
the role's navigation clicked in its order, each timed. The server's query caches carry over from page to page as
they do for the user (so a page's figure is its first visit in a session, after the pages above it in the
navigation). A page about one subject is then given its heaviest one as a user would choose it, and that is timed
as its own figure ("user: subject"): the busiest staff member picked in the user timeline's search box, the
busiest provider in the provider page's, the busiest client's identity code typed into the client timeline's form
(the cases page shows the first case of its list, as it opens). A subject already shown needs no choice and has
no figure of its own.

The second column ("deep link", on by default) is the cold figure: for each page a fresh server, sign-in, the
landing page rendered, then the page opened by its address with its heaviest subject (a full page load: the
browser reconnects, the session is restored from its cookie and the page imports its modules itself).

`lokivahti bench` prints the navigation figures beside the server-side AppTest figures of `benchmarks.dashboard`.

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
from ..access import PAGES as ACCESS_PAGES
from ..access import pages_for
from ..reports.labels import text
from .dashboard import ROLES, bench_environment, page_echo, print_summary

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# page key -> (url path, the Finnish heading the page draws first: its title, the anomaly list its list's own),
# from the one page list (pipelines/access.py) and the label table; a role's landing page is its first page
PAGES = {p.key: (p.url_path, text("ui", {"anomalies": "anomaly_rank"}.get(p.key, f"page_{p.key}")))
         for p in ACCESS_PAGES}
LANDING = {role: pages_for(role)[0].key for role in ROLES}


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


# Script runs counted in the page: every change of Streamlit's script-run state away from "not running" is a run
# that started. A click that starts a run is judged by this count, not by the state alone: read too early, the
# state still says "not running" from the run before.
RUN_COUNTER = """() => { if (!window.__lvRunWatch) { window.__lvRuns = 0;
  window.__lvRunWatch = new MutationObserver((ms) => { for (const m of ms)
    if (m.oldValue === 'notRunning') window.__lvRuns++; });
  window.__lvRunWatch.observe(document.body, {attributes: true, attributeOldValue: true, subtree: true,
    attributeFilter: ['data-test-script-state']}); }
  return window.__lvRuns; }"""

# Every Plotly chart of the page drawn: its figure laid out (Plotly's own SVG) and, when the figure holds traces,
# their marks there (SVG traces) or on Plotly's WebGL canvas (a WebGL trace)
CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every((c) => {
  const plot = c.querySelector('.js-plotly-plot');
  if (!plot || !plot.querySelector('.main-svg')) return false;
  return !(plot._fullData || []).length || plot.querySelector('.main-svg .mlayer > .trace, canvas.gl-canvas-context') !== null;
})"""


def wait_rendered(page, heading: str, runs_before: int | None = None, timeout_s: float = 120) -> None:
    """Until the page's heading shows, a script run has started since `runs_before` (when given), no script runs,
    nothing is stale and every chart is drawn."""
    deadline = time.time() + timeout_s
    page.get_by_role("heading", name=heading).first.wait_for(timeout=timeout_s * 1000)
    while time.time() < deadline:
        # Streamlit's own state of the script run (its status widget shows only after a delay, so a page whose
        # heading is out while its queries still run looked idle), an element left from an earlier run, or one
        # still waiting for its data
        running = (page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 0
                   or page.locator("[data-stale='true']").count() or page.get_by_test_id("stSkeleton").count())
        started = runs_before is None or page.evaluate(RUN_COUNTER) > runs_before
        if started and not running and page.evaluate(CHARTS_DRAWN):
            if page.get_by_test_id("stException").count():
                raise RuntimeError(f"page {heading} raised an exception")
            return
        page.wait_for_timeout(40)
    raise TimeoutError(f"page {heading} not rendered in {timeout_s} s")


def _sign_in(page, url: str, role: str) -> tuple[float, float]:
    """(seconds until the sign-in form is ready with its modules, seconds from the sign-in click until the landing
    page is rendered)."""
    start = time.perf_counter()
    page.goto(url)
    # a person reads the form before typing: the modules it prepares are evaluated by then
    page.get_by_label("Salasana").wait_for()
    page.wait_for_function("() => window.__lvPreloads && window.__lvPreloads.length > 0", timeout=30_000)
    page.evaluate("() => Promise.all(window.__lvPreloads)")
    ready = time.perf_counter() - start
    page.get_by_label("Käyttäjätunnus").fill(role)
    page.get_by_label("Salasana").fill("bench-password")
    page.evaluate(RUN_COUNTER)
    start = time.perf_counter()
    page.get_by_role("button", name="Kirjaudu sisään").click()
    wait_rendered(page, PAGES[LANDING[role]][1])
    return ready, time.perf_counter() - start


def _choose(page, label: str, text: str) -> bool:
    """Search a select box by `text` (an id its options show) and pick the option, as a user does; False when the
    option is already the chosen one (nothing to run)."""
    box = page.get_by_role("combobox", name=label).first
    if text in (box.input_value() or ""):
        return False
    for _attempt in range(3):  # a click on the option can land while the menu is still being drawn: picked again
        box.click()
        box.fill(text)
        page.get_by_role("option").filter(has_text=text).first.click()
        deadline = time.time() + 5
        while time.time() < deadline:
            if text in (box.input_value() or ""):
                return True
            page.wait_for_timeout(40)
    raise RuntimeError(f"{text} could not be chosen in {label}")


# the select box that takes a page's subject, and the text of the subject's option in it
CHOICES = {"user": ("Työntekijä", lambda s: s.get("staff")),
           "provider": ("Palveluntuottaja", lambda s: s.get("provider") and f"({s['provider']})")}


def _subject(page, key: str, subjects: dict) -> bool:
    """Give the page its heaviest subject through its own form; False when the page has none to give."""
    if key in CHOICES and CHOICES[key][1](subjects):
        return _choose(page, CHOICES[key][0], CHOICES[key][1](subjects))
    if key == "client" and subjects.get("client"):  # typed, as a user would: never in an address
        page.get_by_label("Asiakkaan tunniste (henkilötunnus)").fill(subjects["client"])
        page.get_by_role("button", name="Näytä").click()
        return True
    return False


def _check_held(page, key: str, subjects: dict) -> None:
    """The page's run after a choice still shows the chosen subject. The user timeline and the provider page once
    put their first subject back on the run after the first choice, and the figure timed that run (the first
    staff member's timeline, not the busiest worker's)."""
    if key in CHOICES and CHOICES[key][1](subjects):
        label, text = CHOICES[key][0], CHOICES[key][1](subjects)
        shown = page.get_by_role("combobox", name=label).first.input_value() or ""
        if text not in shown:
            raise RuntimeError(f"the page put {shown!r} back after {text} was chosen in {label}")


def _shot(page, shots: Path | None, name: str) -> None:
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"bench_{name}.png"), full_page=True)


def navigation_seconds(role: str, subjects: dict, context, port: int, shots: Path | None = None,
                       echo=None) -> tuple[float, dict[str, float]]:
    """One role's session: (seconds until the sign-in form is ready, {page: seconds}) with the landing page timed
    from the sign-in click, every other page from the click on its sidebar link, and "page: subject" from the
    subject's choice (see the module's docstring)."""
    out: dict[str, float] = {}

    def done(name: str, seconds: float) -> None:
        out[name] = seconds
        if echo:
            echo(role, name, seconds)

    with _signed_in(context, port, role) as (page, _url, ready, landing):
        done(LANDING[role], landing)
        _shot(page, shots, f"{role}_{LANDING[role]}")
        for p in pages_for(role):
            heading = PAGES[p.key][1]
            if p.key != LANDING[role]:
                runs = page.evaluate(RUN_COUNTER)
                start = time.perf_counter()
                page.get_by_test_id("stSidebarNav").get_by_text(text("ui", f"page_{p.key}", "fi"),
                                                                  exact=True).click()
                wait_rendered(page, heading, runs)
                done(p.key, time.perf_counter() - start)
                _shot(page, shots, f"{role}_{p.key}")
            runs = page.evaluate(RUN_COUNTER)
            start = time.perf_counter()
            if _subject(page, p.key, subjects):
                wait_rendered(page, heading, runs)
                seconds = time.perf_counter() - start
                _check_held(page, p.key, subjects)
                done(f"{p.key}: subject", seconds)
                _shot(page, shots, f"{role}_{p.key}_subject")
    return ready, out


@contextmanager
def _signed_in(context, port: int, role: str):
    """A fresh server and a new tab signed in as `role` (its landing page rendered): (page, url, seconds until
    the sign-in form was ready, seconds from the sign-in click to the landing page)."""
    with running_server(port) as url:
        context.clear_cookies()
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            ready, landing = _sign_in(page, url, role)
            yield page, url, ready, landing
        finally:
            page.close()


def deep_link_seconds(role: str, key: str, subjects: dict, context, port: int, shots: Path | None = None) -> float:
    """Seconds for one page opened by its address on a fresh server (signed in, the landing page rendered first):
    the cold figure of a link followed from outside the application.

    Every server of a run listens on the same port, so the browser context's cache holds Streamlit's own
    JavaScript after the first page, as a user's browser does; the query caches start empty each time."""
    with _signed_in(context, port, role) as (page, url, _ready, landing):
        if key == LANDING[role]:
            return landing
        path, heading = PAGES[key]
        # the page's default period is the data's real span (a few events dated years off excluded)
        query = {"user": f"?staff={subjects['staff']}",
                 "cases": f"?staff={subjects['staff']}",
                 "provider": f"?provider={subjects['provider']}"}.get(key, "")
        start = time.perf_counter()
        page.goto(f"{url}/{path}{query}")
        wait_rendered(page, heading)
        if key == "client" and subjects.get("client"):  # typed, as a user would: never in an address
            runs = page.evaluate(RUN_COUNTER)
            _subject(page, key, subjects)
            wait_rendered(page, heading, runs)
        seconds = time.perf_counter() - start
        _shot(page, shots, f"{role}_{key}_deep_link")
        return seconds


def browser_timings(store: str | os.PathLike, roles=ROLES, shots: Path | None = None, echo=None,
                    deep_links: bool = False, ready: dict | None = None) -> dict[tuple[str, str], float]:
    """{(role, page): seconds} of each page's first render in Chromium reached through the navigation, for every
    role that sees the page (a page can be slower for one role than another: the supervision unit's provider page
    was, while the DPO's was not); with `deep_links`, also {(role, "page (deep link)"): seconds}. `ready`, when
    given, receives {role: seconds until the sign-in form was ready with its modules}."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    timings: dict[tuple[str, str], float] = {}

    def keep(role: str, name: str, seconds: float) -> None:
        timings[(role, name)] = seconds
        if echo:
            echo(role, name, seconds)

    with bench_environment(store) as (_local, subjects), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        port = _free_port()
        try:
            for role in roles:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                seconds, _pages = navigation_seconds(role, subjects, context, port, shots, keep)
                if ready is not None:
                    ready[role] = seconds
                if deep_links:
                    for p in pages_for(role):
                        keep(role, f"{p.key} (deep link)",
                             deep_link_seconds(role, p.key, subjects, context, port, shots))
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
    parser.add_argument("--no-deep-links", action="store_true",
                        help="only the pages reached through the navigation, not each page opened by its address")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the server's group still goes down

    if not args.json:
        print(f"first render of each page in Chromium on {args.store} (target < {args.target:g} s)")
    ready: dict[str, float] = {}
    timings = browser_timings(args.store, tuple(args.role or ROLES), args.screenshots,
                              page_echo(args.json, args.target), deep_links=not args.no_deep_links, ready=ready)
    if not args.json:
        print_table(timings)
        print("sign-in form ready with its modules (a person reads and types meanwhile): "
              + ", ".join(f"{role} {s:.2f} s" for role, s in ready.items()))
    return print_summary(timings, args.json, args.target)


def print_table(timings: dict[tuple[str, str], float]) -> None:
    """One row per role and page: through the navigation, and opened by its address (when measured)."""
    def cell(value: float | None) -> str:
        return f"{value:.2f} s" if value is not None else ""

    print(f"{'role':<16} {'page':<20} {'navigation':>10} {'deep link':>10}")
    for (role, name), seconds in timings.items():
        if not name.endswith(" (deep link)"):
            deep = timings.get((role, f"{name} (deep link)"))
            print(f"{role:<16} {name:<20} {cell(seconds):>10} {cell(deep):>10}")


if __name__ == "__main__":
    sys.exit(main())
