"""Files Lokivahti creates hold special-category data: owner-only, and written where the user meant.

The process umask is narrowed once (`owner_only_umask`), so every file created afterwards — the DuckDB
store and its write-ahead log, exports, packs, answers — is 0600 and every new folder 0700, whichever
library creates it. Existing folders are never chmod-ed: their permissions are the administrator's.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import LokivahtiError

OWNER_ONLY = 0o077


def owner_only_umask() -> None:
    """Add group and other to the umask (keeps anything stricter already set)."""
    current = os.umask(OWNER_ONLY)
    os.umask(current | OWNER_ONLY)


def output_file(path: str | os.PathLike, *, what: str = "--out") -> Path:
    """A path a command may write a file to: its folder exists and it is not itself a folder."""
    p = Path(path)
    if p.is_dir():
        raise LokivahtiError(f"{p}: {what} names a folder; give a file name")
    if not p.parent.is_dir():
        raise LokivahtiError(f"{p}: {what}: the folder {p.parent} does not exist (create it first)")
    return p


def output_folder(path: str | os.PathLike, *, what: str = "--out") -> Path:
    """A path a command may write files into: a folder, or nothing yet (then it is created, 0700)."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise LokivahtiError(f"{p}: {what} names an existing file; give a folder")
    return p


def write_owner_only(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write text to a file readable by its owner only (created 0600; an existing file keeps its mode
    narrowed to 0600 as well, since it is being replaced by this export)."""
    p = output_file(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise LokivahtiError(f"{p}: no space left on the device; the file is incomplete, delete it") from None
        raise
    return p


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error (names the file, never its content)."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or type(exc).__name__}"
