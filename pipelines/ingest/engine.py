"""Ingest files, each file or a batch of files of one format in one transaction, and account for every record.

For every file: records_read = normalised_new + normalised_existing + quarantined. A failure mid-file rolls
the whole file back, so the store is as it was before the file. Many canonical CSV files of the same header
(a county's monthly exports) are staged in one pass of DuckDB's reader and normalised together, one
transaction per batch: each file still has its own ingest run, tally, record and line numbers. A batch that
fails in any way (or whose files share an event id, which only file-by-file order can settle) is rolled back
whole and its files are ingested one by one, so a bad file is refused alone, exactly as on its own.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import logging
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ..config import load_config
from ..errors import InputError
from ..sqlfiles import read_sql, run_file, run_steps, statement, transaction
from . import canonical
from .formats import CanonicalCsv, detect_adapter
from .records import CANONICAL_COLUMNS, RESERVED_SOURCE, Rejected, StagedRecord

log = logging.getLogger(__name__)


@dataclass
class Tally:
    path: str
    format: str
    records_read: int
    normalised_new: int
    normalised_existing: int
    quarantined: int

    @property
    def normalised(self) -> int:
        return self.normalised_new + self.normalised_existing

    @property
    def balanced(self) -> bool:
        return self.normalised + self.quarantined == self.records_read


_MACROS_INSTALLED: weakref.WeakSet = weakref.WeakSet()


def _q(name: str) -> str:
    return statement("ingest/engine.sql", name)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the time macros, once per connection (a file of many small files pays it once)."""
    if con in _MACROS_INSTALLED:
        return
    con.execute(read_sql("ingest/helsinki_time.sql"))
    _MACROS_INSTALLED.add(con)


_STAGE_SCHEMA = pa.schema(
    [(c, pa.string()) for c in CANONICAL_COLUMNS]
    + [("record_no", pa.int64()), ("line_no", pa.int64()), ("raw", pa.string()), ("file_path", pa.string())]
)


def _stage_from_adapter(con, run_id: int, path: Path, records: Iterable, batch_rows: int) -> int:
    """Stage an adapter's records in a temp table, batch by batch; rejections go straight to quarantine."""
    con.register("stage_shape", _STAGE_SCHEMA.empty_table())
    try:
        con.execute(_q("stage_table"))
    finally:
        con.unregister("stage_shape")
    batch: list[StagedRecord] = []
    rejected: list[Rejected] = []
    rejected_total = 0

    def flush():
        if batch:
            data = {c: [r.fields.get(c) for r in batch] for c in CANONICAL_COLUMNS}
            data["record_no"] = [r.record_no for r in batch]
            data["line_no"] = [r.line_no for r in batch]
            data["raw"] = [r.raw for r in batch]
            data["file_path"] = [str(path)] * len(batch)
            arrow_batch = pa.Table.from_pydict(data, schema=_STAGE_SCHEMA)  # noqa: F841 (used by SQL)
            con.execute(_q("stage_rows"))
            batch.clear()
        if rejected:
            con.executemany(
                _q("quarantine_record"),
                [[run_id, str(path), r.record_no, r.line_no, r.field, r.reason, r.raw] for r in rejected],
            )
            rejected.clear()

    for rec in records:
        if isinstance(rec, Rejected):
            rejected.append(rec)
            rejected_total += 1
        else:
            batch.append(rec)
        if len(batch) + len(rejected) >= batch_rows:
            flush()
    flush()
    return rejected_total


def _quarantine_csv_rejects(con, runs: dict[str, int]) -> dict[str, list[int]]:
    """Lines DuckDB's CSV reader could not split: quarantined with its reason and the line's text. `runs`: each
    file's path (as staged) and run; returns each file's rejected lines."""
    rows = con.execute(_q("csv_rejects")).fetchall()
    reasons = {
        "MISSING COLUMNS": "missing fields",
        "TOO MANY COLUMNS": "extra fields",
        "INVALID ENCODING": "not valid UTF-8 (wrong encoding?)",
        "UNQUOTED VALUE": "unterminated or stray quote",
        "LINE SIZE OVER MAXIMUM": "line longer than 1 MB",
    }
    out: dict[str, list[int]] = {path: [] for path in runs}
    if not rows:  # executemany refuses an empty list
        return out
    only = next(iter(runs)) if len(runs) == 1 else None
    values = []
    for reader_path, line, col, etype, msg, text in rows:
        path = only or reader_path
        if path not in runs:  # the reader named a file otherwise than listed: settle it file by file
            raise _BatchFallback(f"reader reported an unlisted file {reader_path!r}")
        out[path].append(int(line))
        values.append([runs[path], path, None, int(line), None if etype in reasons else col,
                       f"{reasons.get(str(etype), str(etype).lower())}: {msg.splitlines()[0] if msg else ''}".strip(),
                       (text or "").lstrip("\r\n")])
    con.executemany(_q("quarantine_record"), values)
    return out


def _quarantine_vanished_lines(con, run_id: int, path: Path, reported: set[int], staged: int) -> list[int]:
    """Lines DuckDB's reader passed over without a reject row, quarantined here: over-long lines
    (canonical.overlong_lines) and, when the file's own line count (canonical.scan_lines) still disagrees with what the reader
    accounted for, every over-long or non-UTF-8 line it did not report (canonical.unread_lines). A difference
    that no such line explains (the reader passed over other lines too, or a record spans lines) sends the file to
    be read again line by line (_ReadByLine): a record is never lost without a trace."""
    records, long_line = canonical.scan_lines(path)
    missing: dict[int, tuple[str, str]] = {}
    if long_line:
        missing = {n: (canonical.OVERLONG, text) for n, text in canonical.overlong_lines(path).items()
                   if n not in reported}
    if records != staged + len(reported) + len(missing):
        records, unread = canonical.unread_lines(path, reported | set(missing))
        missing |= unread
        accounted = staged + len(reported) + len(missing)
        if accounted != records:
            raise _ReadByLine(f"the CSV reader accounted for {accounted} of {records} non-blank lines")
    if missing:
        con.executemany(
            _q("quarantine_record"),
            [[run_id, str(path), None, n, None, reason, text] for n, (reason, text) in sorted(missing.items())],
        )
    return sorted(missing)


def _fill_csv_lines(con, first_run: int, last_run: int, paths: dict[int, Path],
                    rejected_lines: dict[int, list[int]]) -> None:
    """Line numbers and raw text for CSV records the normaliser quarantined (`paths`, `rejected_lines` by run)."""
    rows = con.execute(_q("unlined_quarantine"), {"first_run": first_run, "last_run": last_run}).fetchall()
    if not rows:
        return
    updates = []
    for run_id in sorted({r[1] for r in rows}):
        lines = {rid: canonical.line_of_record(rec, rejected_lines[run_id]) for rid, run, rec in rows if run == run_id}
        texts = canonical.read_lines(paths[run_id], set(lines.values()))
        updates += [[line, texts.get(line), rid] for rid, line in lines.items()]
    con.executemany(_q("set_line"), updates)


class _BatchFallback(Exception):
    """A batch of files that must be ingested otherwise (not an error of any one file): file by file, or, with
    `cut_before_run`, as two batches cut before that run's file."""

    def __init__(self, message: str, cut_before_run: int | None = None):
        super().__init__(message)
        self.cut_before_run = cut_before_run
        self.index: int | None = None   # the cut as a position in the batch (set by _ingest_together)


class _ReadByLine(_BatchFallback):
    """DuckDB's reader accounted for fewer lines than the file holds and nothing tells which: the file is
    ingested again on its own by canonical_by_line, where each line is a record or a rejection."""


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, source: str | None = None, config: dict | None = None,
    own_log: bool = False,
) -> Tally:
    """Ingest one file in one transaction. Any failure is an InputError naming the file (and line and
    field where known), with the store as it was: no input ends a run of many files.

    `own_log` is for the tool's own access log only (pipelines/ingest/applog.py): any other file that
    claims the reserved source name is refused.
    """
    try:
        return _ingest_file(con, path, source=source, config=config if config is not None else load_config(),
                            own_log=own_log)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure refuses this file only, with one clear line
        raise refusal(path, exc) from None


def refusal(path, exc: BaseException) -> InputError:
    """One clear line for a failure that is not the input's own fault or that a library raised.

    Never the exception's message where it may quote the data (DuckDB's conversion errors do): only
    what kind of failure it was."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "no space left" in str(exc).lower():
        return InputError(path, "no space left on the device while storing this file; nothing of it was "
                                "stored (free some space and ingest it again)")
    if isinstance(exc, RecursionError):
        return InputError(path, "nested too deeply to read; nothing of it was stored")
    if isinstance(exc, csv.Error):
        return InputError(path, f"not readable as CSV ({str(exc).splitlines()[0][:120]}); nothing of it was stored")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(path, f"not valid {exc.encoding} text at byte {exc.start}; nothing of it was stored")
    if isinstance(exc, MemoryError):
        return InputError(path, "too large to read in the memory available; nothing of it was stored")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return InputError(path, "the store ran out of memory under its memory_limit while storing this file; nothing "
                                "of it was stored (raise memory_limit in the configuration's [store] table)")
    if isinstance(exc, OSError):
        return InputError(path, f"cannot be read ({exc.strerror or type(exc).__name__}); nothing of it was stored")
    return InputError(path, f"could not be ingested ({type(exc).__name__}); nothing of it was stored")


def _precheck(path: Path) -> None:
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file")


def _ingest_file(con, path: Path, *, source: str | None, config: dict, own_log: bool) -> Tally:
    path = Path(path)
    _precheck(path)
    adapter = detect_adapter(path, source, config=config)
    header = canonical.read_header(path) if adapter.format_name == canonical.FORMAT_NAME else None
    try:
        return _ingest_together(con, [path], adapter, header, config, own_log=own_log)[0]
    except _ReadByLine as exc:
        log.info("%s is read line by line (%s)", path.name, exc)
        return _ingest_together(con, [path], CanonicalCsv(read_by_duckdb=False), None, config, own_log=own_log)[0]


def _ingest_together(con, paths: list[Path], adapter, header: list[str] | None, config: dict, *,
                     own_log: bool = False) -> list[Tally]:
    """Ingest files of one adapter (and, for the canonical CSV, one header) in one transaction; one tally each."""
    install_macros(con)
    is_csv = getattr(adapter, "read_by_duckdb", False)  # else the adapter's records are staged from Python
    run_ids = [con.execute(_q("next_run")).fetchone()[0] for _ in paths]
    by_run = dict(zip(run_ids, paths, strict=True))
    params = {"home_controller": config["store"]["home_controller"],
              "first_run": run_ids[0], "last_run": run_ids[-1]}
    batch = pa.table({"file_path": [str(p) for p in paths], "run_id": run_ids, "path": [str(p) for p in paths]})
    tallies: list[Tally] = []
    try:
        with transaction(con):  # its ROLLBACK tolerates a connection a full disk has broken
            for run_id, path in by_run.items():
                run_file(con, "ingest/run_open.sql", {
                    "run_id": run_id, "resolved_path": str(path.resolve()), "file_name": path.name,
                    "size_bytes": path.stat().st_size, "format": adapter.format_name,
                    "source_system": adapter.source_system, "started_at": datetime.now(UTC)})
            con.register("ingest_batch_rows", batch)
            try:
                con.execute(_q("batch_table"))
            finally:
                con.unregister("ingest_batch_rows")
            if is_csv:
                con.execute(_q("drop_csv_rejects"))
                con.execute(_q("drop_csv_reject_scans"))
                con.execute(canonical.stage_view_sql(paths, header))
            else:
                adapter_rejects = {run_ids[0]: _stage_from_adapter(
                    con, run_ids[0], paths[0], adapter.records(paths[0]), int(config["ingest"]["batch_rows"]))}
            run_steps(con, "ingest/normalise.sql", params,
                      after={"files": _refuse_shared_ids} if len(paths) > 1 else None)
            if is_csv:
                rejected = _quarantine_csv_rejects(con, {str(p): r for r, p in by_run.items()})
                staged = dict(con.execute(_q("staged_per_file")).fetchall())
                lines = {}
                for run_id, path in by_run.items():
                    found = rejected[str(path)]
                    lines[run_id] = found + _quarantine_vanished_lines(
                        con, run_id, path, set(found), staged.get(str(path), 0))
                _fill_csv_lines(con, run_ids[0], run_ids[-1], by_run, lines)
                adapter_rejects = {run_id: len(found) for run_id, found in lines.items()}
            if not own_log:
                _refuse_reserved_source(con)
            run_steps(con, "summaries/add_runs.sql", params)  # the check's event summaries, in this transaction
            now = datetime.now(UTC)
            for run_id, staged, quarantined, existing_same, new in run_file(
                    con, "ingest/run_tally.sql", params).fetchall():
                read = staged + adapter_rejects[run_id]
                tally = Tally(str(by_run[run_id]), adapter.format_name, read, new, existing_same, quarantined)
                if not tally.balanced:  # an invariant, not an input problem: never commit an unbalanced file
                    raise RuntimeError(f"{by_run[run_id]}: tally does not balance ({tally})")
                run_steps(con, "ingest/run_close.sql", {
                    "run_id": run_id, "finished_at": now, "records_read": read, "new": new,
                    "existing": existing_same, "quarantined": quarantined})
                tallies.append(tally)
            if len(tallies) != len(paths):
                raise RuntimeError("a file of the batch has no tally")
    except _BatchFallback as exc:
        if exc.cut_before_run in run_ids:
            exc.index = run_ids.index(exc.cut_before_run)
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(_q("drop_stage_view" if is_csv else "drop_stage_table"))
    return tallies


def _refuse_shared_ids(con) -> None:
    """Two files of one batch with the same event id: which one is stored, and which is the re-ingest or the
    conflict, depends on file order, which only separate transactions settle. The batch is cut before the
    first file that repeats an id of an earlier file of the batch (sql/ingest/batch_cut.sql)."""
    cut = run_file(con, "ingest/batch_cut.sql").fetchone()[0]
    if cut is not None:
        raise _BatchFallback("an event id occurs in two files of the batch", cut_before_run=cut)


def _refuse_reserved_source(con) -> None:
    """`lokivahti` names the tool's own trail: a log file claiming it could plant or hide an auditor's event."""
    row = con.execute(_q("reserved_source"), {"name": RESERVED_SOURCE}).fetchone()
    if row is not None:
        line = row[1] if row[1] is not None else (row[0] + 1 if row[0] is not None else None)
        raise InputError(Path(row[2]), f"source_system '{RESERVED_SOURCE}' is reserved for Lokivahti's own use log; "
                                       "file refused", line=line, field="source_system")


# A batch's size: its files are staged and normalised together (memory follows its bytes, under memory_limit).
BATCH_FILES = 64
BATCH_BYTES = 256 * 1024 * 1024


def _batches(paths: list[Path], source, config: dict):
    """Consecutive canonical CSV files of one header, in order, as (paths, adapter, header); every other file (or
    one whose detection fails: ingest_file then refuses it with its reason) on its own as ([path], None, None)."""
    current: list[Path] = []
    key, size, adapter = None, 0, None
    for path in map(Path, paths):
        this = None
        try:
            if path.is_file() and path.stat().st_size > 0 and not any(ch in str(path) for ch in "*?[]{}"):
                found = detect_adapter(path, source, config=config)
                if found.format_name == canonical.FORMAT_NAME:
                    header = canonical.read_header(path)
                    if canonical.FILE_COLUMN not in header:
                        this = (found, tuple(header), path.stat().st_size)
        except (InputError, OSError, ValueError, RecursionError, csv.Error):
            this = None
        if this is None or (current and (this[1] != key or len(current) >= BATCH_FILES
                                         or size + this[2] > BATCH_BYTES)):
            if current:
                yield current, adapter, list(key)
            current, key, size, adapter = [], None, 0, None
        if this is None:
            yield [path], None, None
            continue
        adapter, key = this[0], this[1]
        current.append(path)
        size += this[2]
    if current:
        yield current, adapter, list(key)


def ingest_files(con, paths: list[Path], *, source=None, config=None, progress: Callable | None = None,
                 refused: list[InputError] | None = None,
                 on_file: Callable[[Path, Tally | None, InputError | None], None] | None = None) -> list[Tally]:
    """Every file, in order: consecutive canonical CSV files of one header in batches (one transaction each),
    any other file, and every file of a batch that failed, on its own. With a `refused` list (or `on_file`), a
    refused file is noted there and the others still run; without either, the first refusal is raised.
    `on_file(path, tally, refusal)` is called once per file, after the file (or its batch) is stored."""
    config = config if config is not None else load_config()
    tallies: list[Tally] = []

    def one(path: Path) -> None:
        try:
            tally = ingest_file(con, path, source=source, config=config)
        except InputError as exc:
            if refused is None and on_file is None:
                raise
            if refused is not None:
                refused.append(exc)
            if on_file:
                on_file(path, None, exc)
            return
        tallies.append(tally)
        if progress:
            progress(tally)
        if on_file:
            on_file(path, tally, None)

    pending = list(_batches(paths, source, config))
    while pending:
        group, adapter, header = pending.pop(0)
        if len(group) == 1:
            one(group[0])
            continue
        try:
            done = _ingest_together(con, group, adapter, header, config)
        except _BatchFallback as exc:
            if exc.index is not None and 0 < exc.index < len(group):
                pending[:0] = [(group[:exc.index], adapter, header), (group[exc.index:], adapter, header)]
                continue
            log.info("a batch of %d files goes file by file (%s)", len(group), exc)
            pending[:0] = [([path], None, None) for path in group]
            continue
        except Exception as exc:  # noqa: BLE001 - any failure of a batch: its files go one by one, each judged alone
            log.info("a batch of %d files goes file by file (%s)", len(group), type(exc).__name__)
            pending[:0] = [([path], None, None) for path in group]
            continue
        for path, tally in zip(group, done, strict=True):
            tallies.append(tally)
            if progress:
                progress(tally)
            if on_file:
                on_file(path, tally, None)
    return tallies
