"""Re-check only what a retro-dated change of reference data touches, never the whole store.

Each check run ends by remembering the reference rows it judged by (table reference_seen: a content hash per
row with the keys and the period through which the row can change a finding). When the reference data changes,
the next run compares the rows in force with those, and turns every row present on one side only into the
account-days whose events it can change (sql/checks/_reference_changes.sql says which for each table). An
involvement row whose period alone changed (an old and a new row of the same key_hash: client, staff member, unit,
kind), and likewise a disclosure prohibition or permission, touches only the days its old and new periods do not
share, since such a row counts only through whether its period holds a date: the usual retro-dated correction, a
start moved earlier, then re-checks those days. The runner then re-checks those whole account-days (a mass-access
window never leaves one) and replaces only their findings and explanations. Organisations, units and role
permissions change every judgement at once, and a store checked before this bookkeeping existed has nothing to
compare with: both mean a full check.
"""

from __future__ import annotations

from datetime import date

from ..sqlfiles import bind, statement, steps

_FILE = "checks/_reference_changes.sql"
EVERYTHING = ("organisations", "units", "role_permissions")


def _run(con, names: tuple[str, ...], params: dict | None = None) -> None:
    for name, sql in steps(_FILE):
        if name in names:
            con.execute(sql, bind(sql, params))


def remember_reference(con, scope_kind: str) -> None:
    """What this check judged by: the next run re-checks whatever differs from it.

    A run of kind `incremental` found the reference fingerprint the last check remembered (the reference tables
    change only by an import, which changes it), so reference_seen already holds what it would write: it is left
    as it is (rewriting it cost a pass over every reference row, and the published snapshot a copy of the table,
    after every new day), unless nothing was remembered yet. A run of kind `reference` has described the rows in
    force already (touched_units), and the store cannot change under the check's connection meanwhile."""
    if scope_kind == "incremental" and con.execute(statement(_FILE, "remembered")).fetchall()[0][0] > 0:
        return
    _run(con, ("remember",) if scope_kind == "reference" else ("rows_now", "remember"))


def touched_units(con, widen_days: int) -> list[date] | None:
    """Fill chk_scope_units with the account-days the change touches and return their dates (sorted); None when
    the whole store must be re-checked (nothing remembered yet, or a table that changes every judgement)."""
    if con.execute(statement(_FILE, "remembered")).fetchall()[0][0] == 0:
        return None
    _run(con, ("rows_now", "changed"))
    tables = {r[0] for r in con.execute(statement(_FILE, "changed_tables")).fetchall()}
    if tables & set(EVERYTHING):
        return None
    con.execute(statement("checks/_partition.sql", "scope_units"))
    _run(con, ("forget_units", "touched", "units"), {"widen": widen_days})
    return [r[0] for r in con.execute(statement(_FILE, "unit_dates")).fetchall()]
