"""`lokivahti serve`, the users file it creates, and the page timings that `lokivahti bench` reports."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from app_pages._auth import load_users, verify, write_users_file
from pipelines import PROJECT_ROOT
from pipelines.benchmarks.dashboard import PAGES, page_timings
from pipelines.cli import app
from pipelines.commands import serve


def test_a_users_file_keeps_only_argon2_hashes_readable_by_the_owner_alone(tmp_path):
    path = tmp_path / "users.toml"
    passwords = write_users_file(path, {"a": "dpo", "b": "supervision"})
    text = path.read_text()
    assert passwords["a"] not in text and "$argon2id$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = load_users(path)
    assert verify(users, "a", passwords["a"]) == "dpo"
    assert verify(users, "a", passwords["b"]) is None
    assert verify(users, "nobody", passwords["a"]) is None


def test_serve_creates_demo_users_prints_their_passwords_once_and_starts_streamlit_on_the_store(tmp_path, monkeypatch):
    started = {}

    def fake_run(cmd, env, cwd):
        started.update(cmd=cmd, env=env)
        return 0

    monkeypatch.setattr(serve, "run_server", fake_run)
    store = tmp_path / "county.duckdb"
    users = tmp_path / "users.toml"
    result = CliRunner().invoke(app, ["--store", str(store), "serve", "--port", "8765", "--users", str(users),
                                      "--demo-users"])
    assert result.exit_code == 0, result.output
    roles = {row["role"] for row in load_users(users).values()}
    assert roles == {"dpo", "supervision", "request_handler"}
    password = result.output.split("tietosuoja")[1].split()[1]
    assert verify(load_users(users), "tietosuoja", password) == "dpo"
    assert started["cmd"][2:4] == ["streamlit", "run"] and "8765" in started["cmd"]
    assert started["env"]["LOKIVAHTI_STORE"] == str(store.resolve())
    assert started["env"]["LOKIVAHTI_DEMO"] == "0"  # synthetic data only with --demo
    i = started["cmd"].index("--server.fileWatcherType")
    assert started["cmd"][i + 1] == "none"  # no inotify watches on a production server
    assert started["cmd"][started["cmd"].index("--browser.gatherUsageStats") + 1] == "false"
    again = CliRunner().invoke(app, ["--store", str(store), "serve", "--users", str(users), "--demo-users"])
    assert again.exit_code == 2  # never overwrites existing users


def test_page_timings_measure_the_first_render_of_every_page(app_env):
    timings = page_timings(Path(app_env["LOKIVAHTI_STORE"]))
    assert set(timings) == set(PAGES)
    assert all(0 < s < 10 for s in timings.values())


def test_when_serve_is_stopped_the_server_and_its_children_stop_with_it(tmp_path):
    """A service manager's SIGTERM to `serve` must not leave the server (or anything it started) holding the port
    and the store: the server runs in its own process group, and the group goes down with `serve`."""
    import os
    import signal
    import subprocess
    import sys
    import time

    marker = tmp_path / "grandchild.pid"
    server = ("import subprocess, sys, time; "
              "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
              f"open({str(marker)!r}, 'w').write(str(c.pid)); time.sleep(120)")
    driver = ("import os, sys; from pipelines.commands.serve import run_server; "
              f"sys.exit(run_server([sys.executable, '-c', {server!r}], dict(os.environ), '.'))")
    serve_proc = subprocess.Popen([sys.executable, "-c", driver], cwd=PROJECT_ROOT)
    deadline = time.time() + 30
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.1)
    grandchild = int(marker.read_text())
    serve_proc.send_signal(signal.SIGTERM)
    assert serve_proc.wait(timeout=20) == 0
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(grandchild, signal.SIGKILL)
        raise AssertionError("the server's child outlived serve")
