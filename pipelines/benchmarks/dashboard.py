"""Page render timings of the dashboard: each page's first render, for every role that sees it, with Streamlit's
AppTest on a given store.

    python -m pipelines.benchmarks.dashboard STORE            # every role's pages, seconds per page
    python -m pipelines.benchmarks.dashboard STORE --role dpo --json

`lokivahti bench` calls `role_timings` on its checked and scored 1 M-event store; the target is < 2 s per page
(issue #7). What one figure is:

- a fresh AppTest session signed in as the role; its landing page is rendered first (as after a sign-in), then
  every Streamlit cache is emptied (query results *and* the shared snapshot connection), and the page is
  rendered once and timed: app.py, the page's queries on a cold cache, its charts and tables. That is the
  first visit to the page after a new snapshot is published, the slowest case a user meets. Python's own
  imports are warm (a running server has imported them once).
- the page shows its heaviest subject: the staff member, client and provider with the most events, and in
  the request handler's register one request of the busiest client over the whole period (its answer preview
  is built on the first render).

The store is never written: the pages read the published snapshot (published first when it is missing or
older than the store) through symbolic links in a temporary folder, and the work store they write to (access
log, request register) is a copy in that folder, so a benchmark leaves no look-ups or requests behind.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from pathlib import Path

from .. import PROJECT_ROOT, access

# bench page name -> the page's script, relative to app.py (the page list itself is pipelines/access.py)
BENCH_NAMES = {"user": "user_timeline", "client": "client_timeline"}
ROLES = access.ROLES


def page_folder(app_dir: Path = PROJECT_ROOT) -> str:
    """The folder beside the app that holds every page script pipelines/access.py names: the library knows the
    pages by their scripts' names, the app decides where it keeps them."""
    for folder in sorted(p for p in app_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if all((folder / p.script).is_file() for p in access.PAGES):
            return folder.name
    raise FileNotFoundError(f"no folder beside {app_dir / 'app.py'} holds the dashboard's page scripts")


PAGES = {BENCH_NAMES.get(p.key, p.key): f"{page_folder()}/{p.script}" for p in access.PAGES}


def role_pages(role: str) -> list[str]:
    return [BENCH_NAMES.get(p.key, p.key) for p in access.pages_for(role)]


def ensure_published(store: Path) -> Path:
    """The store's published snapshot, (re)published when it is missing or older than the store."""
    from ..config import load_config
    from ..errors import StoreError
    from ..store import publish_snapshot, snapshot_path

    snap = snapshot_path(store)
    if snap.exists() and snap.stat().st_mtime >= store.stat().st_mtime:
        return snap
    try:
        return publish_snapshot(store, config=load_config())
    except (StoreError, OSError) as exc:  # locked by a running pipeline step: time what is published
        if snap.exists():
            print(f"note: {store} could not be published now ({exc}); timing its older snapshot", file=sys.stderr)
            return snap
        raise


def busiest_subjects(snap: Path) -> dict[str, object]:
    """The staff member, client and provider with the most events, and the period the events cover."""
    from ..reports.queries import run

    row = run(snap, "bench_subjects").row(0, named=True)
    return {"client": row["client"], "staff": row["staff"], "provider": row["provider"],
            "period": (row["first_day"], row["last_day"])}


@contextmanager
def bench_environment(store_path: str | os.PathLike, *, request: bool = True):
    """A temporary folder that looks like the store to the app (links to the store and its snapshot, a copy of
    the work store, a users file with one user per role); yields (folder store path, subjects)."""
    from ..store import snapshot_path, work_store_path

    store = Path(store_path).resolve()
    if not store.exists():
        raise FileNotFoundError(f"{store}: no store here")
    snap = ensure_published(store).resolve()
    subjects = busiest_subjects(snap)
    saved = {k: os.environ.get(k) for k in ("LOKIVAHTI_STORE", "LOKIVAHTI_USERS")}
    with tempfile.TemporaryDirectory(prefix="lokivahti-pages-") as tmp:
        local = Path(tmp) / "county.duckdb"
        local.symlink_to(store)
        snapshot_path(local).symlink_to(snap)
        work = work_store_path(store)
        if work.exists():  # same review state as the real dashboard; the copy takes the bench's writes
            with closing(sqlite3.connect(work)) as src, closing(sqlite3.connect(work_store_path(local))) as dst:
                src.backup(dst)
        users = Path(tmp) / "users.toml"
        access.write_users_file(users, {role: role for role in ROLES}, {role: "bench-password" for role in ROLES})
        if request and subjects["client"]:
            _register_request(work_store_path(local), subjects)
        os.environ["LOKIVAHTI_STORE"], os.environ["LOKIVAHTI_USERS"] = str(local), str(users)
        try:
            yield local, subjects
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _register_request(work: Path, subjects: dict) -> None:
    from ..disclosure import register_request

    first, last = subjects["period"]
    register_request(work, client_id=subjects["client"], relation="self", period_from=first, period_to=last,
                     handler="request_handler")


class _BareModeNoise(logging.Filter):
    """Streamlit warns on each bare-mode AppTest run and cache clear ("missing ScriptRunContext", "No runtime
    found"); its log level is reset by every run, so the benchmark filters those records instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


_NOISE = _BareModeNoise()


def _quiet_streamlit(on: bool = True) -> None:
    for name in list(logging.root.manager.loggerDict):
        if name == "streamlit" or name.startswith("streamlit."):
            (logging.getLogger(name).addFilter if on else logging.getLogger(name).removeFilter)(_NOISE)


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def role_timings(store_path: str | os.PathLike, roles=ROLES, timeout: float = 120,
                 echo=None) -> dict[tuple[str, str], float]:
    """Seconds for the first render of each page, for each role that sees it: {(role, page): seconds}."""
    from streamlit.testing.v1 import AppTest

    _quiet_streamlit()
    try:
        app = str(PROJECT_ROOT / "app.py")
        timings: dict[tuple[str, str], float] = {}
        with bench_environment(store_path) as (_local, subjects):
            presets = {"client_timeline": {"timeline_client": subjects["client"] or ""},
                       "user_timeline": {"timeline_staff": subjects["staff"]},
                       "provider": {"provider_pick": subjects["provider"]}}
            AppTest.from_file(app, default_timeout=timeout).run()  # imports (the sign-in page reads no data)
            _quiet_streamlit()
            for role in roles:
                for name in role_pages(role):
                    _clear_caches()
                    at = AppTest.from_file(app, default_timeout=timeout)
                    at.session_state["auth"] = {"name": role, "role": role}
                    at.run()  # the landing page after sign-in; registers the role's navigation
                    _raise_if_failed(at, role, "(landing page)")
                    _clear_caches()
                    for key, value in presets.get(name, {}).items():
                        if value is not None:
                            at.session_state[key] = value
                    at.switch_page(PAGES[name])
                    start = time.perf_counter()
                    at.run()
                    timings[(role, name)] = time.perf_counter() - start
                    _raise_if_failed(at, role, name)
                    if echo:
                        echo(role, name, timings[(role, name)])
        _clear_caches()
    finally:
        _quiet_streamlit(False)
    return timings


def _raise_if_failed(at, role: str, name: str) -> None:
    if at.exception:
        raise RuntimeError(f"page {name} ({role}) raised: {at.exception[0].value.splitlines()[0][:200]}")
    if at.error:
        raise RuntimeError(f"page {name} ({role}) shows an error: {at.error[0].value[:200]}")


def page_timings(store_path: str | os.PathLike, timeout: float = 120, role: str = "dpo") -> dict[str, float]:
    """Seconds for each page's first render as one role (default the DPO, who sees every page): {page: s}."""
    return {name: s for (_r, name), s in role_timings(store_path, (role,), timeout).items()}


def page_echo(as_json: bool, target: float):
    """The line printed as each page is timed (nothing when the result is printed as JSON)."""
    def echo(role: str, name: str, seconds: float) -> None:
        if not as_json:
            print(f"{role:<16} {name:<16} {seconds:6.2f} s  {'ok' if seconds < target else 'SLOW'}", flush=True)

    return echo


def print_summary(timings: dict[tuple[str, str], float], as_json: bool, target: float) -> int:
    """The run's last words (every figure as JSON, or the slowest page) and its exit code: 0 when every page is
    under `target` seconds."""
    worst = max(timings.values(), default=0.0)
    if as_json:
        print(json.dumps({f"{r}/{p}": round(s, 3) for (r, p), s in timings.items()}))
    else:
        print(f"slowest {worst:.2f} s")
    return 0 if worst < target else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.benchmarks.dashboard",
                                     description="Time each dashboard page's first render on a store.")
    parser.add_argument("store", type=Path, help="the DuckDB store (its published snapshot is what the pages read)")
    parser.add_argument("--role", action="append", choices=ROLES, help="only this role (repeatable); default all")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--target", type=float, default=2.0, help="seconds a page must stay under (default 2)")
    args = parser.parse_args(argv)
    if not args.json:
        print(f"first render of each page on {args.store} (target < {args.target:g} s)")
    timings = role_timings(args.store, tuple(args.role or ROLES), echo=page_echo(args.json, args.target))
    return print_summary(timings, args.json, args.target)


if __name__ == "__main__":
    raise SystemExit(main())
