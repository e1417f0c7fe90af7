"""Lokivahti dashboard entry point: sign-in, role-limited navigation, idle time-out, language switch.

Run with `lokivahti serve` (or `streamlit run app.py` with LOKIVAHTI_STORE and LOKIVAHTI_USERS set).
Pages live in app_pages/; each also checks its own role (`_auth.require`), so a page that is not in
the navigation cannot be opened by URL either.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

# Plotly looks pandas up in sys.modules without waiting for its import to finish; when a Streamlit
# thread imports pandas for the first time while another draws a chart, the chart sees a half-initialised
# module. Importing it once, first thing, closes that race (the app itself works with Polars).
import pandas  # noqa: F401
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import t
from pipelines.access import PAGES, pages_for

# The icon is a file beside the app: an emoji or icon name would make the browser fetch an image from outside,
# which fails on a county intranet.
ICON = Path(__file__).parent / "app_pages" / "static" / "lokivahti.png"
CHART_PAGES = {"overview", "cases", "user", "client", "provider"}  # the pages that draw charts
st.set_page_config(page_title="Lokivahti", page_icon=str(ICON), layout="wide")
_auth.restore_session()
st.session_state.setdefault("session_id", uuid.uuid4().hex[:16])
st.session_state.setdefault("lang", "fi")

_auth.check_idle()
user = _auth.current_user()
_auth.browser_sync(st.session_state["lang"])

if not user:
    # Every page's address leads to the sign-in form, so a deep link (a finding, a timeline window) is not an
    # English "Page not found": after sign-in the same address opens the page itself, query string and all.
    sign_in = [st.Page(_auth.sign_in_page, title=t("sign_in"), url_path="sign-in", default=True)]
    sign_in += [st.Page(_auth.sign_in_page, title=t("sign_in"), url_path=p.url_path) for p in PAGES]
    nav = st.navigation(sign_in, position="hidden")
    nav.run()
    st.stop()

_auth.idle_watch()  # signs out on the idle time-out without waiting for a click
allowed = pages_for(user["role"])
pages = [st.Page(f"app_pages/{p.script}", title=t(f"page_{p.key}"), url_path=p.url_path, icon=p.icon,
                 default=(i == 0)) for i, p in enumerate(allowed)]

with st.sidebar:
    st.markdown(f"**{t('signed_in_as')}:** {user['name']}  \n*{t('role_' + user['role'])}*")
    _auth.language_switch()
    if st.button(t("sign_out"), key="sign_out"):
        _auth.sign_out()
        st.rerun()

store = _data.main_store()
if not store.exists():
    # Synthetic data only when the server was started with --demo: a mistyped store path on a production
    # server must not offer to fill it with the sample county.
    from app_pages import _sample

    _sample.offer_sample(store, can_load=user["role"] == "dpo" and os.environ.get("LOKIVAHTI_DEMO") == "1")
    st.stop()
snap = _data.snapshot()
if snap is None:
    st.warning(t("store_busy"))
    st.stop()
st.sidebar.caption(f"{t('snapshot_of')}: {snap.name}")

nav = st.navigation(pages)
_auth.preload(charts=next((p.key for p, page in zip(allowed, pages) if page is nav), None) in CHART_PAGES)
nav.run()
