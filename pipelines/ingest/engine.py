"""Ingest one file at a time, each in its own transaction, and account for every record.

For every file: records_read = normalised_new + normalised_existing + quarantined. A failure
mid-file rolls the whole file back, so the store is as it was before the file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ..config import load_config
from ..errors import InputError
from ..sqlfiles import read_sql, run_file, run_steps, transaction
from . import canonical
from .formats import detect_adapter
from .records import CANONICAL_COLUMNS, RESERVED_SOURCE, Rejected, StagedRecord


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


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the time macros, once per connection (a file of many small files pays it once)."""
    if con in _MACROS_INSTALLED:
        return
    con.execute(read_sql("ingest/helsinki_time.sql"))
    _MACROS_INSTALLED.add(con)


_STAGE_SCHEMA = pa.schema(
    [(c, pa.string()) for c in CANONICAL_COLUMNS]
    + [("record_no", pa.int64()), ("line_no", pa.int64()), ("raw", pa.string())]
)


def _stage_from_adapter(con, run_id: int, path: Path, records: Iterable, batch_rows: int) -> int:
    """Stage an adapter's records in a temp table, batch by batch; rejections go straight to quarantine."""
    cols = ", ".join(f"{c} VARCHAR" for c in CANONICAL_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage ({cols}, record_no BIGINT, line_no BIGINT, raw VARCHAR)")
    batch: list[StagedRecord] = []
    rejected: list[Rejected] = []
    rejected_total = 0

    def flush():
        if batch:
            data = {c: [r.fields.get(c) for r in batch] for c in CANONICAL_COLUMNS}
            data["record_no"] = [r.record_no for r in batch]
            data["line_no"] = [r.line_no for r in batch]
            data["raw"] = [r.raw for r in batch]
            arrow_batch = pa.Table.from_pydict(data, schema=_STAGE_SCHEMA)  # noqa: F841 (used by SQL)
            con.execute("INSERT INTO stage SELECT * FROM arrow_batch")
            batch.clear()
        if rejected:
            con.executemany(
                "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())",
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


def _quarantine_csv_rejects(con, run_id: int, path: Path) -> list[int]:
    """Lines DuckDB's CSV reader could not split: quarantined with its reason and the line's text."""
    rows = con.execute(
        "SELECT line, arg_min(column_name, byte_position), arg_min(error_type, byte_position), "
        "arg_min(error_message, byte_position), arg_min(csv_line, byte_position) "
        "FROM csv_rejects GROUP BY line ORDER BY line"
    ).fetchall()
    reasons = {
        "MISSING COLUMNS": "missing fields",
        "TOO MANY COLUMNS": "extra fields",
        "INVALID ENCODING": "not valid UTF-8 (wrong encoding?)",
        "UNQUOTED VALUE": "unterminated or stray quote",
        "LINE SIZE OVER MAXIMUM": "line longer than 1 MB",
    }
    if not rows:  # executemany refuses an empty list
        return []
    con.executemany(
        "INSERT INTO quarantine VALUES (?, ?, NULL, ?, ?, ?, ?, now())",
        [
            [run_id, str(path), int(line), None if etype in reasons else col,
             f"{reasons.get(str(etype), str(etype).lower())}: {msg.splitlines()[0] if msg else ''}".strip(),
             (text or "").lstrip("\r\n")]
            for line, col, etype, msg, text in rows
        ],
    )
    return [int(r[0]) for r in rows]


def _quarantine_vanished_lines(con, run_id: int, path: Path, reported: set[int]) -> list[int]:
    """Over-long lines DuckDB skipped without a reject row (canonical.overlong_lines): quarantined here."""
    if path.stat().st_size <= canonical.MAX_LINE:
        return []
    missing = {n: text for n, text in canonical.overlong_lines(path).items() if n not in reported}
    if missing:
        reason = f"line longer than {canonical.MAX_LINE // 1_000_000} MB (first 10,000 characters kept)"
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, NULL, ?, NULL, ?, ?, now())",
            [[run_id, str(path), n, reason, text] for n, text in sorted(missing.items())],
        )
    return sorted(missing)


def _fill_csv_lines(con, run_id: int, path: Path, rejected_lines: list[int]) -> None:
    """Line numbers and raw text for CSV records the normaliser quarantined."""
    rows = con.execute(
        "SELECT rowid, record_no FROM quarantine WHERE run_id = ? AND line_no IS NULL AND record_no IS NOT NULL",
        [run_id],
    ).fetchall()
    if not rows:
        return
    lines = {rid: canonical.line_of_record(rec, rejected_lines) for rid, rec in rows}
    texts = canonical.read_lines(path, set(lines.values()))
    con.executemany(
        "UPDATE quarantine SET line_no = ?, raw = ? WHERE rowid = ?",
        [[line, texts.get(line), rid] for rid, line in lines.items()],
    )


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
    if isinstance(exc, OSError):
        return InputError(path, f"cannot be read ({exc.strerror or type(exc).__name__}); nothing of it was stored")
    return InputError(path, f"could not be ingested ({type(exc).__name__}); nothing of it was stored")


def _ingest_file(con, path: Path, *, source: str | None, config: dict, own_log: bool) -> Tally:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file")
    adapter = detect_adapter(path, source, config=config)
    install_macros(con)
    run_id = con.execute("SELECT nextval('ingest_run_seq')").fetchone()[0]
    params = {
        "run_id": run_id,
        "path": str(path),
        "home_controller": config["store"]["home_controller"],
    }
    try:
        with transaction(con):  # its ROLLBACK tolerates a connection a full disk has broken
            run_file(con, "ingest/run_open.sql", {
                "run_id": run_id, "resolved_path": str(path.resolve()), "file_name": path.name,
                "size_bytes": path.stat().st_size, "format": adapter.format_name,
                "source_system": adapter.source_system, "started_at": datetime.now(UTC)})
            is_csv = adapter.format_name == canonical.FORMAT_NAME
            if is_csv:
                con.execute("DROP TABLE IF EXISTS csv_rejects")
                con.execute("DROP TABLE IF EXISTS csv_reject_scans")
                con.execute(canonical.stage_view_sql(path, canonical.read_header(path)))
            else:
                adapter_rejects = _stage_from_adapter(
                    con, run_id, path, adapter.records(path), int(config["ingest"]["batch_rows"])
                )
            run_steps(con, "ingest/normalise.sql", params)
            if is_csv:
                rejected_lines = _quarantine_csv_rejects(con, run_id, path)
                rejected_lines += _quarantine_vanished_lines(con, run_id, path, set(rejected_lines))
                _fill_csv_lines(con, run_id, path, rejected_lines)
                adapter_rejects = len(rejected_lines)
            if not own_log:
                _refuse_reserved_source(con, path)
            staged, quarantined, existing_same, new = run_file(con, "ingest/run_tally.sql", params).fetchone()
            read = staged + adapter_rejects
            tally = Tally(str(path), adapter.format_name, read, new, existing_same, quarantined)
            run_steps(con, "ingest/run_close.sql", params | {
                "finished_at": datetime.now(UTC), "records_read": read, "new": new, "existing": existing_same,
                "quarantined": quarantined})
            if not tally.balanced:  # an invariant, not an input problem: never commit an unbalanced file
                raise RuntimeError(f"{path}: tally does not balance ({tally})")
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("DROP VIEW IF EXISTS stage" if adapter.format_name == canonical.FORMAT_NAME
                        else "DROP TABLE IF EXISTS stage")
    return tally


def _refuse_reserved_source(con, path: Path) -> None:
    """`lokivahti` names the tool's own trail: a log file claiming it could plant or hide an auditor's event."""
    row = con.execute(
        "SELECT record_no, line_no FROM checked_rows WHERE source_system = $name ORDER BY record_no LIMIT 1",
        {"name": RESERVED_SOURCE},
    ).fetchone()
    if row is not None:
        line = row[1] if row[1] is not None else (row[0] + 1 if row[0] is not None else None)
        raise InputError(path, f"source_system '{RESERVED_SOURCE}' is reserved for Lokivahti's own use log; "
                               "file refused", line=line, field="source_system")


def ingest_files(con, paths: list[Path], *, source=None, config=None, progress: Callable | None = None,
                 refused: list[InputError] | None = None) -> list[Tally]:
    """Every file in turn. With a `refused` list, a refused file is noted there and the others still run;
    without one, the first refusal is raised."""
    tallies: list[Tally] = []
    for path in paths:
        try:
            tallies.append(ingest_file(con, path, source=source, config=config))
        except InputError as exc:
            if refused is None:
                raise
            refused.append(exc)
            continue
        if progress:
            progress(tallies[-1])
    return tallies
