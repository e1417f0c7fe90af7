"""Ingest one file at a time, each in its own transaction, and account for every record.

For every file: records_read = normalised_new + normalised_existing + quarantined. A failure
mid-file rolls the whole file back, so the store is as it was before the file.
"""

from __future__ import annotations

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
from .records import CANONICAL_COLUMNS, Rejected, StagedRecord


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
    con: duckdb.DuckDBPyConnection, path: Path, *, source: str | None = None, config: dict | None = None
) -> Tally:
    """Ingest one file in its own transaction. `config` is the run's configuration (its [ingest] limits reach
    the adapters); None means the defaults of lokivahti.toml, for callers with no configuration of their own."""
    config = config if config is not None else load_config()
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
        with transaction(con):
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
                _fill_csv_lines(con, run_id, path, rejected_lines)
                adapter_rejects = len(rejected_lines)
            staged, quarantined, existing_same, new = run_file(con, "ingest/run_tally.sql", params).fetchone()
            read = staged + adapter_rejects
            tally = Tally(str(path), adapter.format_name, read, new, existing_same, quarantined)
            run_steps(con, "ingest/run_close.sql", params | {
                "finished_at": datetime.now(UTC), "records_read": read, "new": new, "existing": existing_same,
                "quarantined": quarantined})
            if not tally.balanced:  # an invariant, not an input problem: never commit an unbalanced file
                raise RuntimeError(f"{path}: tally does not balance ({tally})")
    finally:
        con.execute("DROP VIEW IF EXISTS stage" if adapter.format_name == canonical.FORMAT_NAME
                    else "DROP TABLE IF EXISTS stage")
    return tally


def ingest_files(con, paths: list[Path], *, source=None, config=None, progress: Callable | None = None):
    tallies = []
    for path in paths:
        tallies.append(ingest_file(con, path, source=source, config=config))
        if progress:
            progress(tallies[-1])
    return tallies
