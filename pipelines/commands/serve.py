"""`lokivahti serve`: start the Streamlit dashboard on the current store.

The dashboard reads the published snapshot of the store and writes only to the work store, so it can
run while `lokivahti ingest` or `check` holds the store. `--demo-users FILE` creates a users file with
one user per role and prints their generated passwords once (they are stored only as argon2 hashes).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import typer

from .. import PROJECT_ROOT
from ..cli import app
from ._common import err, out, store


def streamlit_command(port: int, address: str = "localhost") -> list[str]:
    """The server command: no file watcher (a store folder of thousands of files exhausted inotify, and a
    production server has no source to reload), no usage statistics, no toolbar links to outside sites."""
    return [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
            "--server.port", str(port), "--server.address", address, "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.runOnSave", "false", "--client.toolbarMode", "minimal"]


def run_server(command: list[str], env: dict, cwd: Path) -> int:
    """Run the server in its own process group and take the whole group down when `serve` ends, however it
    ends (Ctrl-C, SIGTERM from a service manager), so no orphaned server keeps the port and the store open."""
    proc = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)

    def stop(signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass


@app.command("serve")
def serve_command(
    port: int = typer.Option(8501, "--port", help="Port of the dashboard."),
    address: str = typer.Option("localhost", "--address", help="Interface to listen on (localhost by default)."),
    users: Path | None = typer.Option(None, "--users", envvar="LOKIVAHTI_USERS",
                                         help="Users file (TOML with argon2 hashes; see docs/dashboard.md)."),
    demo_users: bool = typer.Option(False, "--demo-users",
                                    help="Write a new users file with one demo user per role; prints passwords once."),
    demo: bool = typer.Option(False, "--demo",
                              help="Offer to load the bundled sample county when the store does not exist."),
):
    """Serve the dashboard (Streamlit) on the store chosen with --store / LOKIVAHTI_STORE."""
    from ..access import DEMO_USERS, write_users_file

    users = users or store().with_name(store().stem + ".users.toml")
    if demo_users:
        if users.exists():
            err.print(f"{users} exists; not overwriting it")
            raise typer.Exit(code=2)
        passwords = write_users_file(users, DEMO_USERS)
        out.print(f"demo users written to {users} (shown once):")
        for name, role in DEMO_USERS.items():
            out.print(f"  {name:12} {role:16} {passwords[name]}", highlight=False)
    elif not users.exists():
        err.print(f"no users file at {users}; create one with --demo-users (docs/dashboard.md)")
    env = dict(os.environ, LOKIVAHTI_STORE=str(store().resolve()), LOKIVAHTI_USERS=str(users.resolve()),
               LOKIVAHTI_DEMO="1" if demo else "0")
    out.print(f"Lokivahti dashboard on http://{address}:{port} (store {store()})")
    raise typer.Exit(code=run_server(streamlit_command(port, address), env, PROJECT_ROOT))
