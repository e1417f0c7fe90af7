"""The canonical event CSV read line by line in Python: the fallback for a file DuckDB's reader under-reports.

DuckDB's CSV reader is the fast path (canonical.py). After several lines over its line limit it has been seen
passing over the lines that follow — a line with extra fields, even a good line — with neither a row nor a reject
(DuckDB 1.x, a buffer boundary). The engine notices because the file's own line count disagrees with what the
reader accounted for; when no over-long or non-UTF-8 line explains the difference, it reads the file again here,
where every line is either a record or a rejection with its reason, so nothing is lost and nothing refused whole.

One physical line is one record, as in the log exports this format is for. A line that ends inside a quoted
field is joined with the lines after it until the record closes (at most JOIN_LINES lines and the line limit);
if it never closes, that first line alone is rejected and reading goes on from the next.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from .canonical import MAX_LINE, decode_line, line_head, read_header
from .records import CANONICAL_COLUMNS, Rejected, StagedRecord

JOIN_LINES = 20
_UNCLOSED = "unexpected end of data"


def records(path: Path) -> Iterator[StagedRecord | Rejected]:
    """Every non-empty line after the header, in order: a StagedRecord of the canonical columns the header
    names (an empty field is absent), or a Rejected saying why the line is not one record."""
    header = read_header(path)
    wanted = [(i, name) for i, name in enumerate(header) if name in CANONICAL_COLUMNS]
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE))  # a field may be as long as a line
    record_no = 0
    lines = _numbered_lines(path)
    ahead: deque[tuple[int, bytes]] = deque()

    def next_line():
        return ahead.popleft() if ahead else next(lines, None)

    while (item := next_line()) is not None:
        number, body = item
        if not body:   # an empty line is no record (DuckDB's reader skips it too); a line of spaces is one
            continue
        record_no += 1
        text, error = decode_line(body)
        if text is not None:
            fields, error, used = _parse(text)
            if error == _UNCLOSED:
                fields, error, used = _join(text, number, lines, ahead)
        if error is None and len(fields) != len(header):
            kind = "extra fields" if len(fields) > len(header) else "missing fields"
            error = f"{kind}: {len(fields)} fields where the header has {len(header)}"
        if error is not None:
            yield Rejected(record_no, error, line_head(body), number)
            continue
        yield StagedRecord(record_no, {name: (fields[i] or None) for i, name in wanted},
                           raw=used[:10_000], line_no=number)


def _numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as fh:
        fh.readline()  # the header
        for number, line in enumerate(fh, start=2):
            yield number, line.rstrip(b"\r\n")


def _parse(text: str) -> tuple[list[str], str | None, str]:
    """(fields, error, text): one record parsed strictly (a quote inside an unquoted field, or text after a
    closing quote, is an error, as in DuckDB's reader)."""
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as exc:
        message = str(exc)
        if _UNCLOSED in message:
            return [], _UNCLOSED, text
        return [], f"unterminated or stray quote: {message}", text
    if len(rows) != 1:
        return [], "not one CSV record", text
    return rows[0], None, text


def _join(text: str, number: int, lines: Iterator, ahead: deque) -> tuple[list[str], str | None, str]:
    """A record whose quoted field runs past its line: joined with the following lines until it parses. If it
    does not close within JOIN_LINES lines and the line limit, the lines read ahead are given back and the
    first line alone is rejected."""
    taken: list[tuple[int, bytes]] = []
    joined = text
    while len(taken) < JOIN_LINES:
        item = ahead.popleft() if ahead else next(lines, None)
        if item is None:
            break
        taken.append(item)
        try:
            joined = joined + "\n" + item[1].decode("utf-8")
        except UnicodeDecodeError:
            break
        if len(joined) > MAX_LINE:
            break
        try:
            rows = list(csv.reader(io.StringIO(joined, newline=""), strict=True))
        except csv.Error as exc:
            if _UNCLOSED in str(exc):
                continue
            break
        if len(rows) == 1:
            return rows[0], None, joined
        break
    ahead.extendleft(reversed(taken))
    return [], f"a quoted field is not closed on line {number} (nor within the {JOIN_LINES} lines after it)", text
