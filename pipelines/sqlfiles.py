"""SQL lives in sql/ as files. A file starts with a metadata header of `-- key: value` lines.

Multi-line values continue on lines of the form `--   more text` (two or more spaces after `--`).
The header ends at the first line that is not a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import SQL_DIR

_KEY = re.compile(r"^--\s?([a-z_][a-z0-9_]*):\s*(.*)$")
_CONT = re.compile(r"^--\s{2,}(.*)$")


@dataclass(frozen=True)
class SqlFile:
    path: Path
    meta: dict[str, str] = field(default_factory=dict)
    sql: str = ""

    @property
    def name(self) -> str:
        return self.path.stem


def parse_sql_file(path: Path) -> SqlFile:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    last_key = None
    for line in text.splitlines():
        stripped = line.rstrip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        m = _KEY.match(stripped)
        if m:
            last_key = m.group(1)
            meta[last_key] = m.group(2).strip()
            continue
        c = _CONT.match(stripped)
        if c and last_key:
            meta[last_key] = (meta[last_key] + " " + c.group(1).strip()).strip()
    return SqlFile(path=path, meta=meta, sql=text)


def sql_files(folder: str) -> list[SqlFile]:
    """All .sql files of sql/<folder>, sorted by name."""
    return [parse_sql_file(p) for p in sorted((SQL_DIR / folder).glob("*.sql"))]


def read_sql(relative: str) -> str:
    return (SQL_DIR / relative).read_text(encoding="utf-8")
