"""Sign-in, the session and the idle time-out: the dashboard's face of pipelines/access.py.

Users, roles and page rights live in pipelines/access.py (the users file format is described there). The
users file's path comes from $LOKIVAHTI_USERS, or `users_file` in st.secrets.
A county identity provider (OIDC) plugs in through Streamlit's `st.login` when st.secrets has an
[auth] section (docs/dashboard.md); the role still comes from the users file, by e-mail.
Roles limit pages (access.PAGES) and data: the supervision unit sees provider-related findings only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

from pipelines.access import PAGE_ROLES, ROLES, load_users, verify, write_users_file  # noqa: F401 (re-exported)
from pipelines.config import load_config

from ._i18n import LANGUAGES, WELCOME_SV, t


def users_file() -> Path | None:
    env = os.environ.get("LOKIVAHTI_USERS")
    if env:
        return Path(env)
    try:
        value = st.secrets.get("users_file")
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no fallback path
        value = None
    return Path(value) if value else None


def current_user() -> dict | None:
    return st.session_state.get("auth")


def idle_timeout_seconds() -> float:
    return float(load_config()["app"]["idle_timeout_minutes"]) * 60


def check_idle() -> None:
    """Sign out a session that has been idle longer than [app] idle_timeout_minutes."""
    now = time.time()
    last = st.session_state.get("last_activity")
    if current_user() and last is not None and now - last > idle_timeout_seconds():
        st.session_state.pop("auth", None)
        st.session_state["idle_expired"] = True
    st.session_state["last_activity"] = now


def language_switch(where=None) -> None:
    box = where or st.sidebar
    current = st.session_state.get("lang", "fi")
    choice = box.radio(t("language"), list(LANGUAGES), index=list(LANGUAGES).index(current),
                       format_func=LANGUAGES.get, horizontal=True, key="lang_choice")
    if choice != current:
        st.session_state["lang"] = choice
        st.rerun()


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def sign_in_page() -> None:
    """The sign-in form; on success stores {name, role} in the session and reruns."""
    st.title(t("app_title"))
    st.caption(WELCOME_SV)
    language_switch(st)
    if st.session_state.pop("idle_expired", False):
        st.warning(t("idle_signed_out"))
    path = users_file()
    users = load_users(path)
    if _oidc_configured():
        user = st.user
        if getattr(user, "is_logged_in", False):
            email = user.get("email")
            match = next((n for n, r in users.items() if email and r.get("oidc_email") == email), None)
            if match:
                st.session_state["auth"] = {"name": match, "role": users[match]["role"]}
                st.rerun()
        if st.button(t("sign_in_oidc")):
            st.login()
    if not users:
        st.error(t("no_users_file"))
    with st.form("sign_in"):
        name = st.text_input(t("username"), key="signin_name")
        password = st.text_input(t("password"), type="password", key="signin_password")
        submitted = st.form_submit_button(t("sign_in"))
    if submitted:
        role = verify(users, name.strip(), password)
        if role:
            st.session_state["auth"] = {"name": name.strip(), "role": role}
            st.session_state["last_activity"] = time.time()
            st.rerun()
        st.error(t("bad_credentials"))


def sign_out() -> None:
    for key in ("auth", "selected_finding", "timeline_staff", "timeline_day"):
        st.session_state.pop(key, None)


def require(page: str) -> dict:
    """Stop the page unless the signed-in role may open it (defence in depth beside navigation)."""
    user = current_user()
    if not user or user["role"] not in PAGE_ROLES.get(page, ()):
        st.error(t("not_allowed"))
        st.stop()
    return user
