"""`lokivahti serve`, the users file it creates, and the page timings that `lokivahti bench` reports."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from app_pages._auth import load_users, verify, write_users_file
from pipelines.cli import app
from pipelines.commands import serve
from pipelines.dashboard_bench import PAGES, page_timings


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

    def fake_call(cmd, env, cwd):
        started.update(cmd=cmd, env=env)
        return 0

    monkeypatch.setattr(serve.subprocess, "call", fake_call)
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
    again = CliRunner().invoke(app, ["--store", str(store), "serve", "--users", str(users), "--demo-users"])
    assert again.exit_code == 2  # never overwrites existing users


def test_page_timings_measure_the_first_render_of_every_page(app_env):
    timings = page_timings(Path(app_env["LOKIVAHTI_STORE"]))
    assert set(timings) == set(PAGES)
    assert all(0 < s < 10 for s in timings.values())
