"""The action vocabulary: which event actions a role permission's action word grants.

The table itself is the `action_vocabulary` step of sql/checks/_access_context.sql, so the rules and any code
that needs the same answer (the generator, tests, the dashboard) read one definition (docs/rules.md §Action
vocabulary): `write` grants create, update and delete; `read` grants search; `*` grants everything; print,
export and disclose are granted only by name.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb

from ..sqlfiles import steps

EVENT_ACTIONS = ("read", "search", "create", "update", "delete", "print", "export", "disclose", "other")


@lru_cache(maxsize=1)
def _covers() -> dict[str, frozenset[str]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(dict(steps("checks/_access_context.sql"))["action_vocabulary"])
        out: dict[str, set[str]] = {}
        for granted, action in con.execute("SELECT granted, action FROM chk_action_covers").fetchall():
            out.setdefault(granted, set()).add(action)
        return {k: frozenset(v) for k, v in out.items()}
    finally:
        con.close()


def covered_by(granted: str) -> frozenset[str]:
    """The event actions a permission's action word grants (empty for a word the vocabulary does not know)."""
    return _covers().get(granted.strip().lower(), frozenset())


def grants(granted: str, action: str) -> bool:
    return action in covered_by(granted)
