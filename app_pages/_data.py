"""Data access for the pages: the published DuckDB snapshot (read-only) and the SQLite work store.

Concurrency design: the pipeline is the only writer of the DuckDB store and publishes a snapshot
after each step (`pipelines.store.publish_snapshot`, pipelines/snapshot.py). The dashboard reads only that
snapshot, so a long ingest never blocks it; the snapshot link is switched to a new file atomically, and the
cache key is that file's own name, so pages pick it up on the next rerun. Review state, requests and
the dashboard's own access log go to the work store (short SQLite connections).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines import workstore
from pipelines.checks.summaries import summaries_current
from pipelines.config import load_config
from pipelines.errors import StoreError
from pipelines.reports import queries
from pipelines.sqlfiles import statement
from pipelines.store import publish_snapshot, snapshot_path, store_path, work_store_path

MAX_ROWS = 500


def main_store() -> Path:
    return store_path()


def work_path() -> Path:
    return work_store_path(main_store())


def snapshot() -> Path | None:
    """The published snapshot; published now when missing and the store exists and is not locked."""
    store = main_store()
    snap = snapshot_path(store)
    if not snap.exists():
        if not store.exists():
            return None
        try:
            publish_snapshot(store, config=load_config())
        except (StoreError, OSError, duckdb.Error):  # locked by a running pipeline step
            return None
    # the file the link names now: each publish names a new file, so the cached connection (and DuckDB's own
    # cache of open databases, keyed by path) of an older snapshot is never taken for the newest
    return snap.resolve()


def _version(snap: Path) -> tuple[int, int, int]:
    """The published snapshot file's fingerprint (its name is already new at each publish; a file is brought up
    to date only under a new name, so this guards against nothing but a file replaced by hand)."""
    st_ = snap.stat()
    return (st_.st_ino, st_.st_mtime_ns, st_.st_size)


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(snap: str, version: tuple) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot version, shared by sessions (each query uses its own cursor)."""
    return queries.open_snapshot(snap)


@st.cache_data(show_spinner=False, max_entries=256, ttl=600)
def _cached(snap: str, version: tuple, name: str, params: tuple) -> pl.DataFrame:
    cursor = _connection(snap, version).cursor()
    try:
        cursor.execute(statement("store/session.sql", "utc"))
        bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
        return queries.run(cursor, name, **bound)
    finally:
        cursor.close()


def q(name: str, **params) -> pl.DataFrame:
    """Run sql/dashboard/<name>.sql on the snapshot (cached per snapshot version; a list parameter is bound
    as a DuckDB list)."""
    snap = snapshot()
    if snap is None:
        raise StoreError("no published snapshot")
    key = tuple(sorted((k, tuple(v) if isinstance(v, (list, set, frozenset)) else v) for k, v in params.items()))
    return _cached(str(snap), _version(snap), name, key)


@st.cache_data(show_spinner=False, max_entries=4)
def _summaries_current(snap: str, version: tuple) -> bool:
    cursor = _connection(snap, version).cursor()
    try:
        return summaries_current(cursor)
    finally:
        cursor.close()


def summarised() -> bool:
    """Whether the snapshot's event summaries (account_client_days, kept at ingest) add up to its events: then the
    provider page classifies a provider's account-client-days instead of every event (sql/dashboard/
    provider_access_keys.sql), with the same counts. A count of the events and a sum, once per snapshot."""
    snap = snapshot()
    if snap is None:
        raise StoreError("no published snapshot")
    return _summaries_current(str(snap), _version(snap))


WARM_QUERIES = ("period_bounds", "staff_list", "events_per_source_day", "ingest_tally")
_warmed: set[tuple] = set()
_warm_lock = threading.Lock()


def warm_up() -> None:
    """Open the snapshot's connection and run the queries every role's pages share, in the background, once per
    snapshot version: called while the sign-in form is on screen, so the first page after signing in does not
    wait for DuckDB to open the file or for these queries (a few tenths of a second of a landing page). The
    results are the same cached results a page would compute; nothing is shown before sign-in. Then, once per
    server process, Plotly's first figures (its trace classes load on first use: app_pages/_charts.py)."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    snap = snapshot_path(main_store())
    if not snap.exists():
        return
    snap = snap.resolve()  # the key q() uses: the file the link names
    key = (str(snap), _version(snap))
    with _warm_lock:
        if key in _warmed:
            return
        _warmed.add(key)

    def run() -> None:
        try:
            for name in WARM_QUERIES:
                _cached(key[0], key[1], name, ())
            _summaries_current(*key)
        except (duckdb.Error, OSError, StoreError):  # a snapshot being replaced: the page will open it itself
            pass
        from . import _charts

        _charts.warm_up()  # once per server process: Plotly's first figure

    thread = threading.Thread(target=run, name="lokivahti-warm-up", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())
    thread.start()


def robust_span(days: pl.DataFrame, share: float = 0.001, gap_days: int = 31) -> tuple[date, date, int] | None:
    """The period the events really cover, from events per day (event_date, n): (first, last, outliers).

    The 0.1 % and 99.9 % quantiles of event_date ignore a handful of events dated years off (clock skew, a typo
    in a source: log-completeness findings); from there the period grows outward over every day that is not
    separated from it by a gap of more than `gap_days`, so the quiet first and last days of real data stay in.
    `outliers` counts the events left outside.
    """
    if days.is_empty():
        return None
    days = days.sort("event_date")
    cum = days["n"].cum_sum()
    total = cum[-1]
    dates = days["event_date"].to_list()
    lo = next(i for i, c in enumerate(cum.to_list()) if c >= share * total)
    hi = next(i for i, c in enumerate(cum.to_list()) if c >= (1 - share) * total)
    while lo > 0 and (dates[lo] - dates[lo - 1]).days <= gap_days:
        lo -= 1
    while hi < len(dates) - 1 and (dates[hi + 1] - dates[hi]).days <= gap_days:
        hi += 1
    outliers = int(days["n"][:lo].sum() + days["n"][hi + 1:].sum())
    return dates[lo], dates[hi], outliers


def period_span() -> tuple[date, date, int]:
    """(first, last, outlying events) of the store's real period; today when the store has no events."""
    span = robust_span(q("period_bounds"))
    if span is None:
        today = date.today()
        return today, today, 0
    return span


def period_bounds() -> tuple[date, date]:
    first, last, _outliers = period_span()
    return first, last


def reviews() -> pl.DataFrame:
    return workstore.current_reviews(work_path())


CLOSED = ("explained", "violation_confirmed", "false_positive")  # reviewed: no longer open


def ids_with_status(statuses) -> list[str]:
    """Finding ids whose latest review status is one of `statuses` (review state lives in the work store, so
    the pages hand these ids to DuckDB as a list instead of pulling every finding into Python)."""
    rev = reviews()
    return sorted(rev.filter(pl.col("status").is_in(list(statuses)))["finding_id"].to_list())


def status_selection(status: str | None) -> tuple[str, list[str]]:
    """(`status_mode`, `status_ids`) for findings queries: all findings, only `ids`, or all except `ids`."""
    if status is None:
        return "any", []
    if status == "new":  # never reviewed, or reviewed back to new
        from pipelines.workstore import REVIEW_STATUSES

        return "except", ids_with_status([s for s in REVIEW_STATUSES if s != "new"])
    return "only", ids_with_status([status])


OPEN = ("new", "under_review")
QUEUES = ("mine", "open", "unassigned", "all")


def queue_selection(queue: str, me: str, status: str | None = None) -> tuple[str, list[str]]:
    """(`status_mode`, `status_ids`) of a triage view: "mine" = open and assigned to me, "open" = new or under
    review, "unassigned" = open with nobody assigned, "all" = every finding (optionally of one status).

    A finding with no review row is new and unassigned; the work store holds the rest, so each view is an id
    list handed to DuckDB (only these ids, or all except these)."""
    if queue == "all":
        return status_selection(status)
    rev = reviews()
    is_open = pl.col("status").is_in(list(OPEN))
    if queue == "mine":
        return "only", sorted(rev.filter(is_open & (pl.col("assignee") == me))["finding_id"].to_list())
    if queue == "unassigned":
        taken = rev.filter(~is_open | pl.col("assignee").is_not_null())
        return "except", sorted(taken["finding_id"].to_list())
    return "except", sorted(rev.filter(~is_open)["finding_id"].to_list())


@st.cache_data(show_spinner=False)
def rule_meta() -> dict[str, dict]:
    """Metadata of each member of the catalogue, the anomaly model too (legal basis, titles in each language,
    known false positives), by id."""
    from pipelines.checks.catalogue import member_meta

    return member_meta()


def rule_title(rule_id: str | None, lang: str) -> str:
    """The rule's title in the chosen language (sql/checks/rule_texts.toml: every rule and the anomaly model,
    in Finnish, Swedish and English); the identifier only for a rule the texts do not know."""
    if not rule_id:
        return ""
    from pipelines.checks.texts import rule_text  # sql/checks/rule_texts.toml: the rules' user-facing texts

    return rule_text(rule_id, lang).title


def explanation(row: dict, lang: str) -> str:
    """A model result's explanation in `lang`: written from its drivers in Finnish, Swedish or English by the
    scoring package's `explanation_text` where that exists; otherwise the stored Finnish or English text (Swedish
    readers get the Finnish one, the county's other official language, rather than the English)."""
    try:
        from pipelines.scoring import explanation_text
    except ImportError:  # a scoring package that writes only the stored fi/en texts
        explanation_text = None
    if explanation_text is not None and row.get("drivers") is not None:
        try:
            return explanation_text(row, lang)
        except (ValueError, KeyError, TypeError):  # drivers of an older model run: its stored text stands
            pass
    stored = row.get("explanation_en") if lang == "en" else row.get("explanation_fi")
    return stored or row.get("explanation_fi") or ""


def pager(total: int, key: str, rows: int = MAX_ROWS) -> int:
    """A page picker under a long list: the offset of the page to show (0 when everything fits one page)."""
    from app_pages._i18n import t

    if total <= rows:
        return 0
    pages = (total + rows - 1) // rows
    if not 1 <= (st.session_state.get(key) or 1) <= pages:  # the filters changed under a later page
        st.session_state[key] = 1
    page = st.number_input(t("page_of", n=pages), min_value=1, max_value=pages, value=1, step=1, key=key)
    offset = (int(page) - 1) * rows
    st.caption(t("rows_of", a=offset + 1, b=min(offset + rows, total), n=total))
    return offset


CHART_MAX = 2000  # accesses drawn one by one; above this the chart counts them per day or hour


def timeline_events(name: str, **params) -> tuple[pl.DataFrame, int]:
    """The first CHART_MAX events of a timeline query (sql/dashboard/user_events.sql, client_events.sql) and how
    many the period holds."""
    events = q(name, **params, max_rows=MAX_ROWS if params.pop("table_only", False) else CHART_MAX, row_offset=0)
    total = int(events["total_rows"][0]) if events.height else 0
    return events.drop("total_rows"), total


def timeline_table(name: str, events: pl.DataFrame, total: int, key: str, *, clients_page: str | None = None,
                   **params) -> None:
    """The timeline's table, one page of MAX_ROWS events at a time (taken from `events` when it holds them); with
    `clients_page`, the clients the page of rows names are logged as looked up there."""
    from app_pages._i18n import fi_frame, t

    table = st.container()
    offset = pager(total, key)
    if total <= MAX_ROWS:
        table.caption(t("shown_rows", n=MAX_ROWS) + f" ({total})")
    if events.height == total or offset + MAX_ROWS <= events.height:
        rows = events.slice(offset, MAX_ROWS)
    else:
        rows = q(name, **params, max_rows=MAX_ROWS, row_offset=offset).drop("total_rows")
    table.dataframe(fi_frame(rows.drop("lane")), hide_index=True)
    if clients_page:
        log_clients_shown(clients_page, rows["client_id"])


def with_status(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings joined with their latest review (status 'new' when never reviewed)."""
    rev = reviews().select("finding_id", pl.col("status").alias("review_status"), "assignee")
    out = findings.join(rev, on="finding_id", how="left")
    return out.with_columns(pl.col("review_status").fill_null("new").alias("status"))


def record_reviews(result_key: str, ids: list[str], status: str, *, actor: str, assignee: str | None,
                   note: str | None) -> None:
    """One review for each of `ids`, each refused when someone saved that finding since this page read the
    review state; the (done, skipped) counts wait in the session under `result_key` for the next run."""
    seen = {r["finding_id"]: r["version"] for r in reviews().iter_rows(named=True)}
    st.session_state[result_key] = workstore.record_reviews(work_path(), ids, status, actor=actor, seen=seen,
                                                            assignee=assignee, note=note)


def show_review_result(result_key: str) -> None:
    """The outcome of record_reviews once: how many were saved, and how many were skipped as changed by others."""
    from app_pages._i18n import t

    if result_key in st.session_state:
        done, skipped = st.session_state.pop(result_key)
        st.success(t("bulk_done", n=done))
        if skipped:
            st.warning(t("bulk_skipped", n=skipped))


def _own_use_row(action: str, page: str, **ids) -> dict:
    """One own-use row of the signed-in user's session (workstore.log_accesses)."""
    user = st.session_state["auth"]
    return {"user_name": user["name"], "role": user["role"], "action": action, "page": page,
            "session_id": st.session_state.get("session_id"), **ids}


def _log_once(action: str, page: str, looked_up: list[dict]) -> None:
    """Record look-ups (each a dict of client / staff / provider ids) in the work store in one transaction, each
    once per session: a page re-runs on every click, the look-up happened once."""
    if not st.session_state.get("auth"):
        return
    seen = st.session_state.setdefault("_logged_lookups", set())
    rows = []
    for ids in looked_up:
        key = (action, page, ids.get("client_id"), ids.get("staff_id"), ids.get("provider_id"))
        if key not in seen:
            seen.add(key)
            rows.append(_own_use_row(action, page, **ids))
    workstore.log_accesses(work_path(), rows)


def log_lookup(action: str, page: str, *, client_id=None, staff_id=None, provider_id=None) -> None:
    """Record a look-up of a person or provider in the work store, once per distinct look-up and session."""
    _log_once(action, page, [{"client_id": client_id, "staff_id": staff_id, "provider_id": provider_id}])


def log_clients_shown(page: str, client_ids, *, provider_id=None) -> None:
    """Record every client a page shows by identity code, one own-use row each (written in one transaction, once
    per client, page and session): a page that lists many clients is a look-up of each of them, and each
    client's own request answer ("who viewed my data") must find it."""
    _log_once("read", page, [{"client_id": c, "provider_id": provider_id}
                             for c in dict.fromkeys(c for c in client_ids if c)])


def log_export(page: str, *, client_ids=(), **ids) -> None:
    """An export is logged every time (not deduplicated): each file handed out is a disclosure risk. A file that
    names clients is logged once per client it names (one transaction), so each client's answer shows it."""
    if not st.session_state.get("auth"):
        return
    clients = list(dict.fromkeys(c for c in client_ids if c))
    workstore.log_accesses(work_path(), [_own_use_row("export", page, client_id=c, **ids) for c in clients]
                           if clients else [_own_use_row("export", page, **ids)])


IDENTITY_CODE_ROLES = ("dpo",)  # the findings' client identity codes; the request handler sees only its requests'


@st.cache_resource(show_spinner=False)
def _pseudonym_key() -> bytes:
    """A secret of this server process: an identity code has too few possible values (a date and three digits)
    for an unkeyed hash to hide it, and the key never leaves memory."""
    import secrets

    return secrets.token_bytes(32)


def client_pseudonym(client_id: str | None) -> str | None:
    """A stable stand-in for a client identity code ("asiakas 3f9a2c1d"): the same client reads the same
    throughout a server's run, so a reviewer can tell that two accesses concern one client without learning who."""
    import hashlib
    import hmac

    if not client_id:
        return client_id
    from app_pages._i18n import t

    return f"{t('client_ref')} {hmac.new(_pseudonym_key(), client_id.encode(), hashlib.sha256).hexdigest()[:8]}"


def identity_codes_visible() -> bool:
    """Whether the signed-in role may see clients' identity codes on the findings pages (the DPO only: the
    supervision unit supervises the provider's conduct, which an access's client pseudonym shows as well)."""
    return (st.session_state.get("auth") or {}).get("role") in IDENTITY_CODE_ROLES


def without_identity_codes(frame: pl.DataFrame, columns=("client_id",)) -> pl.DataFrame:
    """`frame` with every client identity code replaced by its pseudonym unless the role may see them."""
    if identity_codes_visible():
        return frame
    present = [c for c in columns if c in frame.columns]
    return frame.with_columns(pl.col(c).map_elements(client_pseudonym, return_dtype=pl.Utf8) for c in present)


def provider_only() -> bool:
    """The supervision unit sees provider-related data only."""
    return (st.session_state.get("auth") or {}).get("role") == "supervision"
