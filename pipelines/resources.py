"""DuckDB's resources from the configuration ([store]): memory limit, spill folder, threads.

A check or scoring run over a year of a large county must not need memory in proportion to the store: the
steps work partition by partition, and DuckDB spills what does not fit under `memory_limit` to
`temp_directory`. Both are set here, once per connection, from the configuration the command was given.
"""

from __future__ import annotations

import re
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


_UNITS = {"": 1, "B": 1, "BYTES": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}


def memory_limit_bytes(con) -> int | None:
    """The connection's memory limit in bytes (None when DuckDB prints one this cannot read): a step that sizes
    its own pieces by memory (the client copy's build) asks the connection, which holds the configured value."""
    text = str(con.execute(statement("store/session.sql", "memory_limit_now")).fetchall()[0][0]).strip()
    found = re.fullmatch(r"([0-9.]+)\s*([A-Za-z]*)", text)
    if not found or found.group(2).upper() not in _UNITS:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).upper()])
