"""Page render timings of the dashboard: each page's first render with Streamlit's AppTest on a given store.

`lokivahti bench` calls `page_timings(store)` on the medium county; the target is < 2 s per page. The
pages read pre-aggregated queries over the published snapshot, so this measures those queries plus
Streamlit's own overhead, as a signed-in DPO (every page allowed) sees them.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from . import PROJECT_ROOT

PAGES = {
    "overview": "app_pages/overview.py",
    "findings": "app_pages/findings.py",
    "user_timeline": "app_pages/user_timeline.py",
    "client_timeline": "app_pages/client_timeline.py",
    "anomalies": "app_pages/anomalies.py",
    "provider": "app_pages/provider.py",
    "report": "app_pages/report.py",
    "requests": "app_pages/requests.py",
}


def page_timings(store_path: str | os.PathLike, timeout: float = 120) -> dict[str, float]:
    """Seconds for each page's first render (fresh AppTest session, cold query cache per page)."""
    from streamlit.testing.v1 import AppTest

    from app_pages._auth import write_users_file
    from app_pages._data import _cached

    from .store import publish_snapshot, snapshot_path

    store = Path(store_path)
    if not snapshot_path(store).exists():
        publish_snapshot(store)
    saved = {k: os.environ.get(k) for k in ("LOKIVAHTI_STORE", "LOKIVAHTI_USERS")}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / "users.toml"
        write_users_file(users, {"bench": "dpo"}, {"bench": "bench-password"})
        os.environ["LOKIVAHTI_STORE"], os.environ["LOKIVAHTI_USERS"] = str(store), str(users)
        try:
            for name, page in PAGES.items():
                _cached.clear()
                at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=timeout)
                at.session_state["auth"] = {"name": "bench", "role": "dpo"}
                at.run()
                if name == "client_timeline":  # render it with a client, the expensive case
                    at.session_state["timeline_client"] = _busiest_client(store)
                start = time.perf_counter()
                at.switch_page(page).run()
                timings[name] = time.perf_counter() - start
                if at.exception:
                    raise RuntimeError(f"page {name} raised: {at.exception[0].value.splitlines()[0][:200]}")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return timings


def _busiest_client(store: Path) -> str:
    from .reports.queries import open_snapshot
    from .store import snapshot_path

    con = open_snapshot(snapshot_path(store))
    try:
        row = con.execute("SELECT client_id FROM findings WHERE client_id IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return row[0] if row else ""
