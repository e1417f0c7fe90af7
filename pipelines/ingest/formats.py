"""Which adapter reads a file: detected from its first bytes, or named with `--source`.

Detection order: the canonical event CSV (its header), a client system's mapping file
(sql/mappings/*.toml, each declaring how to recognise its export), FHIR AuditEvent (JSON/NDJSON/XML),
IHE ATNA / DICOM audit messages (XML).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import InputError
from . import canonical, canonical_by_line
from .atna import AtnaAdapter
from .atna import detect as detect_atna
from .fhir import FhirAdapter
from .fhir import detect as detect_fhir
from .mapping import detect as detect_mapping
from .mapping import load_mapping
from .records import REQUIRED_COLUMNS

HEAD_BYTES = 65536


class CanonicalCsv:
    """The canonical event CSV: read by DuckDB's own reader (the fast path, `read_by_duckdb`), or line by line in
    Python (`records`) for a file that reader under-reports (the engine decides, canonical_by_line says why)."""

    format_name = canonical.FORMAT_NAME
    source_system = None

    def __init__(self, *, read_by_duckdb: bool = True):
        self.read_by_duckdb = read_by_duckdb

    def records(self, path: Path):
        return canonical_by_line.records(path)


def read_head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def detect_adapter(path: Path, source: str | None = None, *, config: dict):
    """The adapter that reads `path`; `config` gives the adapters their limits ([ingest])."""
    head = read_head(path)
    if source:
        if source in ("canonical", canonical.FORMAT_NAME):
            return CanonicalCsv()
        if source in ("fhir", "lifecare"):
            return FhirAdapter(config)
        if source in ("atna", "casem"):
            return AtnaAdapter(config)
        return load_mapping(source).adapter(config)
    text_head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    header: list[str] = []
    if text_head[:1] not in (b"{", b"[", b"<"):
        try:
            header = canonical.read_header(path)
            if canonical.looks_canonical(header):
                return CanonicalCsv()
        except InputError:
            pass
    for detector in (detect_mapping, detect_fhir, detect_atna):
        try:
            adapter = detector(path, head, config)
        except (ValueError, RecursionError, csv.Error):  # a detector peeking at hostile bytes
            adapter = None
        if adapter is not None:
            return adapter
    if header and canonical.near_canonical(header):
        missing = next(c for c in REQUIRED_COLUMNS if c not in header)
        raise InputError(path, f"canonical event CSV without its required column '{missing}'", line=1,
                         field=missing)
    raise InputError(
        path,
        "unrecognised format: not the canonical event CSV, no mapping in sql/mappings matches, "
        "not FHIR AuditEvent or ATNA XML (use --source NAME to name the client system)",
        line=1,
    )
