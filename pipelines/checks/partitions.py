"""Bounded partitions of the events a check run examines, so peak memory does not grow with the store.

Every rule of scope `events` judges an event against windows inside one account-day (mass access, mass export,
duplicates share an instant, and the emergency follow-up looks at reference data, not at other events), so any
cut between whole days gives the same findings as one pass over everything. A partition is a run of
consecutive event dates holding at most `[store] check_partition_events` events (a day is never split; a day
over the limit is a partition of its own). The per-event context (sql/checks/_access_context.sql from its
`partition_from` step on), the rules of scope `events`, the findings of those dates and their explanations are
built and stored partition by partition; the reference look-ups before that step are built once per run, and the
rules of scope `full` (data quality of the reference, silent sources, re-extracted exports) read no context
and run once.

A scope may be narrowed further to account-days (chk_scope_units): a retro-dated change of reference data
re-checks only the account-days whose events it can change (pipelines/checks/reference_changes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from ..sqlfiles import bind, statement, steps

_FILE = "checks/_partition.sql"


@dataclass(frozen=True)
class Partition:
    dates: tuple[date, ...]
    events: int

    @property
    def label(self) -> str:
        return f"{self.dates[0]}..{self.dates[-1]}" if self.dates else "(no dates)"


def plan(con, scope_dates: list[date] | None, max_events: int, *, by_units: bool = False) -> list[Partition]:
    """Consecutive runs of the scope's dates (all dates with events when None), each ≤ max_events events.
    Sized from the event summaries kept at ingest: planning reads no events."""
    if by_units:
        rows = con.execute(statement(_FILE, "plan_units")).fetchall()
    elif scope_dates is None:
        rows = con.execute(statement(_FILE, "plan_all")).fetchall()
    else:
        con.register("wanted", pl.DataFrame({"d": scope_dates}, schema={"d": pl.Date}))
        try:
            rows = con.execute(statement(_FILE, "plan_dates")).fetchall()
        finally:
            con.unregister("wanted")
    out: list[Partition] = []
    current: list[date] = []
    n = 0
    for d, count in rows:
        if current and n + count > max_events:
            out.append(Partition(tuple(current), n))
            current, n = [], 0
        current.append(d)
        n += count
    if current:
        out.append(Partition(tuple(current), n))
    return out


def context_steps() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """_access_context.sql split at its `partition_from` step: (reference steps run once, per-partition steps)."""
    from .. import SQL_DIR
    from ..sqlfiles import parse_sql_file

    meta = parse_sql_file(SQL_DIR / "checks" / "_access_context.sql").meta
    all_steps = steps("checks/_access_context.sql")
    first = meta.get("partition_from")
    names = [name for name, _ in all_steps]
    if not first or first not in names:
        return [], all_steps
    cut = names.index(first)
    return all_steps[:cut], all_steps[cut:]


def set_partition(con, partition: Partition, *, by_units: bool) -> None:
    """Point chk_scope_dates (and chk_scope_events, the events the context reads) at one partition."""
    con.register("partition_dates", pl.DataFrame({"d": list(partition.dates)}, schema={"d": pl.Date}))
    try:
        con.execute(statement(_FILE, "dates"))
    finally:
        con.unregister("partition_dates")
    wanted = ("scope_units", *(("scope_rowids_by_units", "scope_rows_by_units", "scope_events_by_units") if by_units
                               else ("scope_events_by_dates",)))
    for name, sql in steps(_FILE):
        if name in wanted:
            con.execute(sql)


_ACD_JOIN = "/*acd_join*/"


def run_partition_steps(con, partition_steps: list[tuple[str, str]], params: dict) -> None:
    for _name, sql in partition_steps:
        if _ACD_JOIN in sql:
            sql = sql.replace(_ACD_JOIN, acd_join(con))
        con.execute(sql, bind(sql, params))


def acd_join(con) -> str:
    """The condition joining an event to its account-client-day (sql/checks/_acd_join.sql): by hash when the
    partition's combinations have distinct hashes, by the four keys otherwise."""
    unique = con.execute(statement("checks/_acd_join.sql", "hashes_unique")).fetchone()[0]
    return statement("checks/_acd_join.sql", "by_hash" if unique else "by_keys")
