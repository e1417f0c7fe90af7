"""Lokivahti dashboard entry point: sign-in, role-limited navigation, idle time-out, language switch.

Run with `lokivahti serve` (or `streamlit run app.py` with LOKIVAHTI_STORE and LOKIVAHTI_USERS set).
Pages live in app_pages/; each also checks its own role (`_auth.require`), so a page that is not in
the navigation cannot be opened by URL either.
"""

from __future__ import annotations

import uuid

# Plotly looks pandas up in sys.modules without waiting for its import to finish; when a Streamlit
# thread imports pandas for the first time while another draws a chart, the chart sees a half-initialised
# module. Importing it once, first thing, closes that race (the app itself works with Polars).
import pandas  # noqa: F401
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import t
from pipelines.access import pages_for

st.set_page_config(page_title="Lokivahti", page_icon=":material/shield:", layout="wide")
st.session_state.setdefault("session_id", uuid.uuid4().hex[:16])
st.session_state.setdefault("lang", "fi")

_auth.check_idle()
user = _auth.current_user()

if not user:
    nav = st.navigation([st.Page(_auth.sign_in_page, title=t("sign_in"), url_path="sign-in")], position="hidden")
    nav.run()
    st.stop()

pages = [st.Page(f"app_pages/{p.script}", title=t(f"page_{p.key}"), url_path=p.url_path, icon=p.icon,
                 default=(i == 0)) for i, p in enumerate(pages_for(user["role"]))]

with st.sidebar:
    st.markdown(f"**{t('signed_in_as')}:** {user['name']}  \n*{t('role_' + user['role'])}*")
    _auth.language_switch()
    if st.button(t("sign_out"), key="sign_out"):
        _auth.sign_out()
        st.rerun()

store = _data.main_store()
if not store.exists():
    from app_pages import _sample

    _sample.offer_sample(store, can_load=user["role"] == "dpo")
    st.stop()
snap = _data.snapshot()
if snap is None:
    st.warning(t("store_busy"))
    st.stop()
st.sidebar.caption(f"{t('snapshot_of')}: {snap.name}")

nav = st.navigation(pages)
nav.run()
