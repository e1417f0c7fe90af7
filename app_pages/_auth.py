"""Sign-in, the session and the idle time-out: the dashboard's face of pipelines/access.py.

Users, roles and page rights live in pipelines/access.py (the users file format is described there). The
users file's path comes from $LOKIVAHTI_USERS, or `users_file` in st.secrets.
A county identity provider (OIDC) plugs in through Streamlit's `st.login` when st.secrets has an
[auth] section (docs/dashboard.md); the role still comes from the users file, by e-mail.
Roles limit pages (access.PAGES) and data: the supervision unit sees provider-related findings only.

Sessions survive a reload (F5) and a deep link opened in a new tab: a signed-in session gets a random token kept
in a server-side map (with the user, role, language and last activity) and in a same-site cookie; a new browser
session presents the cookie and is restored while the token is known and not idle. The token never appears in a
URL, so a copied link does not carry the session with it. Signing out forgets the token on the server, deletes
the cookie and empties the Streamlit session (prepared download files included).
"""

from __future__ import annotations

import os
import secrets as pysecrets
import threading
import time
from pathlib import Path

import streamlit as st

from pipelines import signin
from pipelines.access import PAGE_ROLES, ROLES, load_users, verify, write_users_file  # noqa: F401 (re-exported)
from pipelines.config import load_config
from pipelines.store import store_path, work_store_path

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


SESSION_COOKIE = "lokivahti_session"
_SESSION_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _sessions() -> dict[str, dict]:
    """token -> {user, lang, last}: one map per server process (a server restart signs everyone out)."""
    return {}


def current_user() -> dict | None:
    return st.session_state.get("auth")


def idle_timeout_seconds() -> float:
    return float(load_config()["app"]["idle_timeout_minutes"]) * 60


def start_session(name: str, role: str) -> None:
    """Sign the browser session in and give it a token that a reload can present."""
    token = pysecrets.token_urlsafe(32)
    now = time.time()
    with _SESSION_LOCK:
        _sessions()[token] = {"user": {"name": name, "role": role}, "lang": st.session_state.get("lang", "fi"),
                              "last": now}
    st.session_state["auth"] = {"name": name, "role": role}
    st.session_state["session_token"] = token
    st.session_state["last_activity"] = now


def restore_session() -> None:
    """A new browser session (reload, new tab) signed in again from its cookie while the token is valid."""
    if current_user():
        return
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # noqa: BLE001 - no browser context (AppTest): nothing to restore
        token = None
    if not token:
        return
    with _SESSION_LOCK:
        entry = _sessions().get(token)
        if entry and time.time() - entry["last"] > idle_timeout_seconds():
            _sessions().pop(token, None)
            st.session_state["idle_expired"] = True
            entry = None
    if entry:
        st.session_state["auth"] = dict(entry["user"])
        st.session_state["session_token"] = token
        st.session_state.setdefault("lang", entry.get("lang", "fi"))
        st.session_state["last_activity"] = time.time()


def check_idle() -> None:
    """Sign out a session that has been idle longer than [app] idle_timeout_minutes."""
    now = time.time()
    last = st.session_state.get("last_activity")
    if current_user() and last is not None and now - last > idle_timeout_seconds():
        sign_out()
        st.session_state["idle_expired"] = True
    st.session_state["last_activity"] = now
    token = st.session_state.get("session_token")
    if token:
        with _SESSION_LOCK:
            entry = _sessions().get(token)
            if entry:
                entry["last"], entry["lang"] = now, st.session_state.get("lang", "fi")


def browser_sync(lang: str) -> None:
    """Set the page's `lang` attribute and the session cookie (or delete it when signed out).

    Streamlit serves <html lang="en">; screen readers and the browser's spell checker need the real language.
    The script is ours alone: the token is URL-safe base64 and the language one of LANGUAGES.
    """
    token = st.session_state.get("session_token") if current_user() else None
    if token:
        cookie = f"{SESSION_COOKIE}={token}; path=/; SameSite=Strict; max-age=43200"
    else:
        cookie = f"{SESSION_COOKIE}=; path=/; SameSite=Strict; max-age=0"
    code = lang if lang in LANGUAGES else "fi"
    # signed out: the sign-in form, read and typed into, is the time to prepare the table module every landing
    # page uses and the chart module the chart pages use. The chart module is 4.7 MB of JavaScript; evaluated
    # here, while the user reads the form and types, it costs no page anything: the navigation after sign-in
    # keeps this page load's modules, so no page reached through it imports the module again.
    prepare = "" if token else _preload_script(SIGN_IN_PRELOAD)
    st.html(f"<script>document.documentElement.lang = '{code}'; document.cookie = '{cookie}';{prepare}"
            f"{_translate_script(code)}</script>", unsafe_allow_javascript=True)


def preload(charts: bool) -> None:
    """Import the table module, and the chart module when the page about to run draws charts (a page without
    charts would only pay for evaluating JavaScript it never uses)."""
    script = _preload_script(PRELOAD_ELEMENTS if charts else ("DataFrame",))
    if script:
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def _translate_script(code: str) -> str:
    """Announce the chosen language to Streamlit's own components and replace their English words with the chosen
    language's, now and whenever Streamlit adds them (one observer per page load; each run hands it the current
    language's words).

    Streamlit reads the browser's language (`navigator.language`) on every render and gives it to the date
    picker, whose calendar then names months and weekdays, orders its week and labels its buttons in that
    language; the page answers with the interface language (LOCALES) instead of the browser's own, and tells the
    date picker's library of the change (its `languagechange` event). Words Streamlit itself writes in English
    are replaced by text: whole texts anywhere, the calendar's own words inside a date input only."""
    import json

    from ._i18n import streamlit_words

    words = streamlit_words(code)
    return (" window.__lvWords = " + json.dumps(words, ensure_ascii=True) + ";"
            " { const loc = window.__lvWords.locale, key = Symbol.for('react-aria.i18n.locale');"
            "  if (!window.__lvLocale) { for (const k of ['language', 'languages'])"
            "   Object.defineProperty(navigator, k, {configurable: true, get: () => k === 'language'"
            "    ? window.__lvWords.locale : [window.__lvWords.locale]}); }"
            "  if (window.__lvLocale !== loc) { window.__lvLocale = window[key] = loc;"
            "   window.dispatchEvent(new Event('languagechange')); } }"
            " if (!window.__lvObserver) {"
            " const inDate = (el) => el && el.closest"
            "  && el.closest('[data-testid=\"stDateInput\"],[data-testid=\"stDateInputCalendar\"],"
            "   [data-testid=\"stDateInputQuickSelectPopover\"]');"
            " const word = (s, el) => { const w = window.__lvWords; if (w.text[s]) return w.text[s];"
            "  if (!inDate(el)) return null; if (w.calendar[s]) return w.calendar[s];"
            "  for (const k of ['Choose date range', 'Choose date']) if (s.startsWith(k + ', '))"
            "   return w.calendar[k] + s.slice(k.length);"
            "  const m = s.match(/^(?:(day|month|year), )?(.*?)(?: (start|end) date)?$/);"
            "  if (m && (m[1] || m[3])) return (m[1] ? w.calendar[m[1]] + ', ' : '') + m[2]"
            "   + (m[3] ? ' ' + w.calendar[m[3] + ' date'] : '');"
            "  return null; };"
            " const swap = window.__lvSwap = (root) => { const w = window.__lvWords; if (!w || !w.text) return;"
            "  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);"
            "  for (let n = walker.nextNode(); n; n = walker.nextNode()) {"
            "   const s = n.nodeValue.trim(); const r = s && word(s, n.parentElement);"
            "   if (r) n.nodeValue = n.nodeValue.replace(s, r); }"
            "  const els = root.querySelectorAll ? [root, ...root.querySelectorAll('[aria-label],[title],[placeholder]')]"
            "   : [];"
            "  for (const el of els) attrs(el); };"
            " const attrs = (el) => { if (!window.__lvWords.text || !el.getAttribute) return;"
            "  for (const a of ['aria-label', 'title', 'placeholder']) {"
            "   const v = el.getAttribute(a); const r = v && word(v, el); if (r) el.setAttribute(a, r); } };"
            " window.__lvObserver = new MutationObserver((muts) => { for (const m of muts) {"
            "  for (const n of m.addedNodes) if (n.nodeType === 1) swap(n);"
            "  if (m.type === 'attributes') attrs(m.target);"
            "  if (m.type === 'characterData' && m.target.parentElement) swap(m.target.parentElement); } });"
            " window.__lvObserver.observe(document.body, {childList: true, subtree: true, characterData: true,"
            "  attributes: true, attributeFilter: ['aria-label', 'placeholder']});"
            " } window.__lvSwap(document.body);")


# Streamlit's chart and table elements are separate JavaScript modules (the Plotly chart one is about 4.7 MB, up
# to 2 s to evaluate on a loaded machine) that the browser fetches, compiles and runs only when the first chart or
# table of a page arrives, after the page's queries. Importing them before (both already on the sign-in form,
# while the user types; on a page opened by its address, as soon as the page starts, while the server runs its
# queries) takes that work off the page's first render; Streamlit's own import later finds them ready.
PRELOAD_ELEMENTS = ("PlotlyChart", "DataFrame")
SIGN_IN_PRELOAD = ("DataFrame", "PlotlyChart")  # the table module first: every landing page has tables


def _preload_script(elements: tuple[str, ...]) -> str:
    import re

    import streamlit

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    names = [f.name for e in elements for f in sorted(folder.glob(f"{e}.*.js"))
             if re.fullmatch(r"[A-Za-z]+\.[\w-]+\.js", f.name)]
    if not names:
        return ""
    # relative to Streamlit's own bundle, so a server under a path prefix works too; once per page load. Each
    # import's promise is kept in window.__lvPreloads (settled, never rejected), so the browser benchmark can tell
    # when the modules are ready
    return (" { window.__lvPreload = window.__lvPreload || {}; window.__lvPreloads = window.__lvPreloads || [];"
            " const main = document.querySelector('script[src*=\"static/js/index\"]');"
            " if (main) { for (const n of " + repr(names).replace("'", '"') + ") { if (!window.__lvPreload[n]) {"
            " window.__lvPreload[n] = 1;"
            " window.__lvPreloads.push(import(new URL(n, main.src).href).catch(() => {})); } } } }")


def idle_watch() -> None:
    """Clear the screen when the idle time-out passes, without waiting for a click: a fragment re-runs on
    its own timer and, once the session is idle too long, signs out and re-runs the whole app."""
    period = max(5.0, min(60.0, idle_timeout_seconds() / 10))

    @st.fragment(run_every=period)
    def _watch() -> None:
        last = st.session_state.get("last_activity")
        if current_user() and last is not None and time.time() - last > idle_timeout_seconds():
            st.session_state.pop("auth", None)
            st.session_state["idle_expired"] = True
            st.rerun(scope="app")

    _watch()


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
    from . import _data

    _data.warm_up()  # while the user types: the first page after sign-in finds the snapshot open
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
                start_session(match, users[match]["role"])
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
        # backoff and lock-out, and the sign-in or failure logged (pipelines/signin.py)
        role, gate = signin.attempt(work_store_path(store_path()), name, lambda: verify(users, name.strip(), password),
                                    signin.Policy.from_config(load_config()), known_user=name.strip() in users,
                                    session_id=st.session_state.get("session_id"))
        if gate.locked:
            st.error(t("signin_locked", until=f"{gate.locked_until:%H:%M}"))
            return
        if role:
            start_session(name.strip(), role)
            st.rerun()
        st.error(t("bad_credentials"))


def sign_out() -> None:
    """Forget the session everywhere: the server-side token, every session value (selections, prepared answer
    letters and packs waiting for download), and, on the next render, the cookie. Only the language stays."""
    token = st.session_state.get("session_token")
    if token:
        with _SESSION_LOCK:
            _sessions().pop(token, None)
    lang = st.session_state.get("lang", "fi")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["lang"] = lang


def dashboard_users() -> dict[str, dict]:
    """The users of the users file (name -> row without the hash): who a finding can be assigned to."""
    path = users_file()
    stamp = path.stat().st_mtime_ns if path and path.exists() else 0
    return _users_without_hashes(str(path) if path else "", stamp)


@st.cache_data(show_spinner=False, max_entries=4)
def _users_without_hashes(path: str, _stamp: int) -> dict[str, dict]:
    """Read once per version of the users file (the triage form asks for every option's label)."""
    users = load_users(Path(path)) if path else {}
    return {name: {k: v for k, v in row.items() if k != "password_hash"} for name, row in users.items()}


def require(page: str) -> dict:
    """Stop the page unless the signed-in role may open it (defence in depth beside navigation)."""
    user = current_user()
    if not user or user["role"] not in PAGE_ROLES.get(page, ()):
        st.error(t("not_allowed"))
        st.stop()
    return user
