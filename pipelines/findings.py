"""The one findings writer, shared by the rule catalogue and the anomaly model.

Whatever produced them, findings arrive in the temp table chk_found (sql/findings/found.sql) and are written
by sql/findings/store.sql: the findings of what was checked are replaced, ids are stable
(md5(rule_id || '|' || finding_key)), and a finding that persists keeps its first_seen_at.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from .sqlfiles import run_file, run_steps


def open_found(con) -> None:
    """An empty chk_found for this connection (and an empty chk_scope_dates when nothing set the dates)."""
    run_file(con, "findings/found.sql")


def store_findings(con, members, *, full: bool, now: datetime, by_units: bool = False) -> tuple[int, int]:
    """Replace the findings of the checked scope (chk_scope_dates, or everything when `full`; members whose
    scope is `full` are always replaced whole) with chk_found; returns (findings written, new findings).
    by_units: only the account-days of chk_scope_units within chk_scope_dates were checked.

    `members` are catalogue members (pipelines.checks.catalogue.Rule): their category, severity and scope
    apply to the findings they produced."""
    meta = pl.DataFrame(
        {"rule_id": [m.id for m in members], "category": [m.category for m in members],
         "severity": [m.severity for m in members], "rule_scope": [m.scope for m in members]},
        schema={k: pl.Utf8 for k in ("rule_id", "category", "severity", "rule_scope")},
    )
    con.register("rule_meta", meta)
    try:
        run_steps(con, "findings/store.sql", {"full": full, "now": now, "by_units": by_units})
    finally:
        con.unregister("rule_meta")
    total, new = run_file(con, "findings/stored_counts.sql").fetchone()
    return total, new
