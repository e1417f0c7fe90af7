"""DuckDB's resources from the configuration ([store]): memory limit, spill folder, threads.

A check or scoring run over a year of a large county must not need memory in proportion to the store: the
steps work partition by partition, and DuckDB spills what does not fit under `memory_limit` to
`temp_directory`. Both are set here, once per connection, from the configuration the command was given.
"""

from __future__ import annotations

from pathlib import Path

from .sqlfiles import statement


def apply_limits(con, config: dict) -> None:
    """Applies memory_limit, temp_directory and threads from config["store"] (empty or 0 = DuckDB's default)."""
    store = config.get("store", {})
    limit = str(store.get("memory_limit", "") or "")
    if limit:
        con.execute(statement("store/session.sql", "memory_limit"), {"v": limit})
    spill = str(store.get("temp_directory", "") or "")
    if spill:
        Path(spill).mkdir(parents=True, exist_ok=True)
        con.execute(statement("store/session.sql", "temp_directory"), {"v": spill})
    threads = int(store.get("threads", 0) or 0)
    if threads > 0:
        con.execute(statement("store/session.sql", "threads"), {"v": threads})
