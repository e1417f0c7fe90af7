"""The event summaries an incremental check reads instead of the events (sql/schema/010_event_summaries.sql).

Ingest writes them in the transaction that stores the events (sql/summaries/add_runs.sql, one call in
pipelines/ingest/engine.py). A check makes sure they still add up to the events before it relies on them: a
retention purge deletes events and a tool may write events directly, and either would leave them wrong, so a
disagreement rebuilds them from the events (one aggregate over the store, then incremental again).
"""

from __future__ import annotations

import logging

from ..sqlfiles import run_steps, statement, transaction

log = logging.getLogger(__name__)

_STATE = "summaries/state.sql"


def summarise_runs(con, first_run: int, last_run: int) -> None:
    """Summarise the events of ingest runs first_run..last_run (replacing what they had): idempotent."""
    run_steps(con, "summaries/add_runs.sql", {"first_run": first_run, "last_run": last_run})


def summaries_current(con) -> bool:
    events, source_days, account_days = con.execute(statement(_STATE, "totals")).fetchall()[0]
    return events == source_days == account_days


def ensure_summaries(con) -> bool:
    """Rebuild the summaries when they do not add up to the events; True when they had to be rebuilt."""
    if summaries_current(con):
        return False
    log.info("event summaries disagree with the events; rebuilding them")
    with transaction(con):  # or the caller's, when one is open (a case store rolled back after each case)
        _rebuild(con)
    return True


def _rebuild(con) -> None:
    con.execute(statement(_STATE, "forget_all"))
    con.execute(statement(_STATE, "forget_all_account_days"))
    first, last = con.execute(statement(_STATE, "runs")).fetchall()[0]
    summarise_runs(con, first, last)

