"""Data access for the pages: the published DuckDB snapshot (read-only) and the SQLite work store.

Concurrency design: the pipeline is the only writer of the DuckDB store and publishes a snapshot copy
after each step (`pipelines.store.publish_snapshot`). The dashboard reads only that snapshot, so a
long ingest never blocks it; a new snapshot replaces the old atomically, and the cache key includes
the snapshot's modification time so pages pick it up on the next rerun. Review state, requests and
the dashboard's own access log go to the work store (short SQLite connections).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines import workstore
from pipelines.errors import StoreError
from pipelines.reports import queries
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
    if snap.exists():
        return snap
    if not store.exists():
        return None
    try:
        return publish_snapshot(store)
    except (StoreError, OSError, duckdb.Error):  # locked by a running pipeline step
        return None


def _version(snap: Path) -> float:
    return snap.stat().st_mtime


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(snap: str, version: float) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot version, shared by sessions (each query uses its own cursor)."""
    return queries.open_snapshot(snap)


@st.cache_data(show_spinner=False, max_entries=256, ttl=600)
def _cached(snap: str, version: float, name: str, params: tuple) -> pl.DataFrame:
    cursor = _connection(snap, version).cursor()
    try:
        cursor.execute("SET TimeZone = 'UTC'")
        return queries.run(cursor, name, **dict(params))
    finally:
        cursor.close()


def q(name: str, **params) -> pl.DataFrame:
    """Run sql/dashboard/<name>.sql on the snapshot (cached per snapshot version)."""
    snap = snapshot()
    if snap is None:
        raise StoreError("no published snapshot")
    return _cached(str(snap), _version(snap), name, tuple(sorted(params.items())))


def period_bounds() -> tuple[date, date]:
    row = q("period_bounds").row(0)
    today = date.today()
    return (row[0] or today, row[1] or today)


def reviews() -> pl.DataFrame:
    return workstore.current_reviews(work_path())


def with_status(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings joined with their latest review (status 'new' when never reviewed)."""
    rev = reviews().select("finding_id", pl.col("status").alias("review_status"), "assignee")
    out = findings.join(rev, on="finding_id", how="left")
    return out.with_columns(pl.col("review_status").fill_null("new").alias("status"))


def log_lookup(action: str, page: str, *, client_id=None, staff_id=None, provider_id=None) -> None:
    """Record a look-up of a person or provider in the work store, once per distinct look-up and session."""
    user = st.session_state.get("auth") or {}
    key = (action, page, client_id, staff_id, provider_id)
    seen = st.session_state.setdefault("_logged_lookups", set())
    if key in seen or not user:
        return
    seen.add(key)
    workstore.log_access(work_path(), user_name=user["name"], role=user["role"], action=action, page=page,
                         client_id=client_id, staff_id=staff_id, provider_id=provider_id,
                         session_id=st.session_state.get("session_id"))


def log_export(page: str, **ids) -> None:
    """An export is logged every time (not deduplicated): each file handed out is a disclosure risk."""
    user = st.session_state.get("auth") or {}
    if user:
        workstore.log_access(work_path(), user_name=user["name"], role=user["role"], action="export", page=page,
                             session_id=st.session_state.get("session_id"), **ids)


def provider_only() -> bool:
    """The supervision unit sees provider-related data only."""
    return (st.session_state.get("auth") or {}).get("role") == "supervision"
