"""The canonical event CSV of DOMAIN.md: read by DuckDB itself (the fast path for large files).

DuckDB's CSV reader streams the file, and lines it cannot split (missing or extra fields, invalid
UTF-8) go to its rejects table with their line number and text; they are quarantined from there.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..sqlfiles import read_sql
from .records import CANONICAL_COLUMNS, REQUIRED_COLUMNS

FORMAT_NAME = "canonical_csv"


def read_header(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        first = fh.readline(1_000_000)
    if not first.strip():
        raise InputError(path, "empty file (no header row)", line=1)
    if len(first) >= 1_000_000 and not first.endswith(b"\n"):
        raise InputError(path, "first line longer than 1 MB: not a header row", line=1)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "header row is not UTF-8 (the canonical CSV is UTF-8)", line=1) from None
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KB limit
        raise InputError(path, f"header row is not CSV ({exc})", line=1) from None


def near_canonical(header: list[str]) -> bool:
    """A header that means to be the canonical CSV (most required columns) but lacks some."""
    return len(set(REQUIRED_COLUMNS) & set(header)) >= 3


def looks_canonical(header: list[str]) -> bool:
    return set(REQUIRED_COLUMNS) <= set(header)


# The reader's column naming each row's file when several files are read at once (a header may not use it).
FILE_COLUMN = "_lokivahti_file_"


def stage_view_sql(path: Path | list[Path], header: list[str]) -> str:
    """SQL creating the temp view `stage` over the file, or over several files of this same header read in one
    pass (a view cannot take parameters: the paths are quoted). Column `file_path` names each row's file: the
    path as given (one file), or as the reader reports it, which is the path as listed (several)."""
    paths = path if isinstance(path, list) else [path]
    path = paths[0]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(path, f"missing required column '{missing[0]}'", line=1, field=missing[0])
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise InputError(path, f"column '{min(dupes)}' appears twice in the header", line=1)
    types = "{" + ", ".join(f"'{_quote(h)}': 'VARCHAR'" for h in header) + "}"
    columns = ", ".join(
        (f'"{c}"' if c in header else f"CAST(NULL AS VARCHAR) AS {c}") for c in CANONICAL_COLUMNS
    )
    if len(paths) == 1:
        source, file_path, by_file = f"'{_literal(path)}'", f"'{_literal(path)}'", ""
    else:
        source = "[" + ", ".join(f"'{_literal(p)}'" for p in paths) + "]"
        file_path, by_file = f'"{FILE_COLUMN}"', f", filename = '{FILE_COLUMN}'"
    return _stage_template().format(columns=columns, types=types, source=source, file_path=file_path,
                                    by_file=by_file, max_line=MAX_LINE)


@lru_cache(maxsize=1)
def _stage_template() -> str:
    """sql/ingest/canonical_stage.sql without its comment header (the header's own braces are not slots)."""
    lines = read_sql("ingest/canonical_stage.sql").splitlines()
    return "\n".join(line for line in lines if not line.startswith("--"))


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _quote(name: str) -> str:
    if not name or any(ch in name for ch in "'\"\\\n"):
        raise InputError("header", "column names may not be empty or contain quotes")
    return name


MAX_LINE = 1_000_000  # the reader's max_line_size; a longer line is quarantined
_CHUNK = 1 << 20


OVERLONG = f"line longer than {MAX_LINE // 1_000_000} MB (first 10,000 characters kept)"


def scan_lines(path: Path) -> tuple[int, bool]:
    """One fast pass over the bytes: (records, long_line).

    records: how many records the file holds by a count of its own (physical lines after the header, an empty
    last line not counted), which is what the reader's parsed rows plus its rejects must add up to. DuckDB's
    reader can pass over a line without a reject row (seen: an invalid-UTF-8 line after several over-long ones),
    and then its own counts still balance; only when this count disagrees does `unread_lines` look at every line.
    Blank lines are counted here (the reader skips them), so a file with blank lines takes that slow path, which
    does not count them.

    long_line: whether some aligned 1 MB block holds no line break, which every line of two MB or more does.
    DuckDB's reader reports a line over max_line_size in its rejects table, but one longer than its read buffer
    (a 40 MB line) it skips without a trace; `overlong_lines` finds those, and is needed only then.
    """
    newlines, last, long_line = 0, b"\n", False
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            found = block.count(b"\n")
            newlines += found
            long_line = long_line or (not found and len(block) == _CHUNK)
            last = block[-1:]
    return newlines + (last != b"\n") - 1, long_line


def overlong_lines(path: Path) -> dict[int, str]:
    """Physical lines longer than MAX_LINE, with their first 10,000 characters (a full pass over the lines: call
    it when `scan_lines` found a long line)."""
    out: dict[int, str] = {}
    line, length, head = 1, 0, bytearray()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            start = 0
            while True:
                cut = block.find(b"\n", start)
                piece = block[start:] if cut < 0 else block[start:cut]
                if len(head) < 10_000:
                    head += piece[: 10_000 - len(head)]
                length += len(piece)
                if cut < 0:
                    break
                if length > MAX_LINE:
                    out[line] = head.decode("utf-8", errors="replace")
                line, length, head, start = line + 1, 0, bytearray(), cut + 1
        if length > MAX_LINE:
            out[line] = head.decode("utf-8", errors="replace")
    return out


def unread_lines(path: Path, accounted: set[int]) -> tuple[int, dict[int, tuple[str, str]]]:
    """(records, lines) for a file whose counts disagree: the number of non-blank lines after the header, and the
    lines the reader can have passed over without a trace (longer than MAX_LINE, or not UTF-8) that are not
    among `accounted` (the lines already quarantined), each with its reason and first 10,000 characters."""
    records, found = 0, {}
    with open(path, "rb") as fh:
        fh.readline()  # the header (checked by read_header)
        for number, line in enumerate(fh, start=2):
            body = line.rstrip(b"\r\n")
            if not body:
                continue
            records += 1
            if number in accounted:
                continue
            _text, reason = decode_line(body)
            if reason is not None:
                found[number] = (reason, line_head(body))
    return records, found


def decode_line(body: bytes) -> tuple[str | None, str | None]:
    """(text, None) for a physical line (without its line break) that can be read as a record, or (None, reason)
    for one that cannot even be split: longer than MAX_LINE, or not UTF-8. The reasons DuckDB's reader may leave
    unreported (unread_lines), and the line-by-line reader's own (canonical_by_line)."""
    if len(body) > MAX_LINE:
        return None, OVERLONG
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (wrong encoding?) at byte {exc.start} of the line"


def line_head(body: bytes) -> str:
    """A line's first 10,000 bytes as text, for its quarantine row (undecodable bytes replaced)."""
    return body[:10_000].decode("utf-8", errors="replace")


def line_of_record(record_no: int, rejected_lines: list[int]) -> int:
    """Physical line of the record_no-th parsed row, given the lines DuckDB rejected (header = line 1).

    Assumes one line per record (no quoted line breaks), which holds for log exports.
    """
    line = record_no + 1
    for rejected in sorted(rejected_lines):
        if rejected <= line:
            line += 1
        else:
            break
    return line


def read_lines(path: Path, wanted: set[int]) -> dict[int, str]:
    """The raw text of the given physical lines, streamed (the file may be larger than memory)."""
    out: dict[int, str] = {}
    if not wanted:
        return out
    last = max(wanted)
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if number in wanted:
                out[number] = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
            if number >= last:
                break
    return out
