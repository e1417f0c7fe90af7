"""Which adapter reads a file: detected from its first bytes, or named with `--source`.

Detection order: the canonical event CSV (its header), a client system's mapping file
(sql/mappings/*.toml, each declaring how to recognise its export), FHIR AuditEvent (JSON/NDJSON/XML),
IHE ATNA / DICOM audit messages (XML).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from . import canonical

HEAD_BYTES = 65536


class CanonicalCsv:
    format_name = canonical.FORMAT_NAME
    source_system = None

    def records(self, path: Path):  # pragma: no cover - read by DuckDB directly, see engine
        raise NotImplementedError


def read_head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def detect_adapter(path: Path, source: str | None = None):
    head = read_head(path)
    if source:
        if source in ("canonical", canonical.FORMAT_NAME):
            return CanonicalCsv()
        if source in ("fhir", "lifecare"):
            from .fhir import FhirAdapter

            return FhirAdapter()
        if source in ("atna", "casem"):
            from .atna import AtnaAdapter

            return AtnaAdapter()
        from .mapping import load_mapping  # a client system's own export

        return load_mapping(source).adapter()
    text_head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text_head[:1] not in (b"{", b"[", b"<"):
        try:
            if canonical.looks_canonical(canonical.read_header(path)):
                return CanonicalCsv()
        except InputError:
            pass
    for detector in _detectors():
        adapter = detector(path, head)
        if adapter is not None:
            return adapter
    raise InputError(
        path,
        "unrecognised format: not the canonical event CSV, no mapping in sql/mappings matches, "
        "not FHIR AuditEvent or ATNA XML (use --source NAME to name the client system)",
        line=1,
    )


def _detectors():
    """Detectors of the other formats, in order; each returns an adapter or None."""
    found = []
    try:
        from .mapping import detect as detect_mapping

        found.append(detect_mapping)
    except ImportError:
        pass
    try:
        from .fhir import detect as detect_fhir

        found.append(detect_fhir)
    except ImportError:
        pass
    try:
        from .atna import detect as detect_atna

        found.append(detect_atna)
    except ImportError:
        pass
    return found
