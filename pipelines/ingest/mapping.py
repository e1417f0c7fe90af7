"""Client systems' own exports, described as data: one TOML mapping file per system in sql/mappings.

Adding a client system needs only a new mapping file (docs/mappings.md): which columns or keys it has,
how its file is recognised, which canonical field each column feeds, its date format and time zone,
and how its own words (LUKU, katselu, VIEW_CLIENT…) translate into the canonical vocabularies.

The adapter streams the file line by line and decodes each line on its own with the declared encoding,
so one undecodable byte quarantines one record, not the file. A value outside the mapping's vocabulary
is rejected here with the canonical field it was meant for; the normaliser validates everything else.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from .. import SQL_DIR
from ..errors import InputError
from .records import CANONICAL_COLUMNS, Rejected, StagedRecord

MAPPINGS_DIR = SQL_DIR / "mappings"
_OFFSET = re.compile(r":\d{2}(\.\d+)?(Z|z|[+-]\d{2}(:?\d{2})?)$")
BOM = b"\xef\xbb\xbf"
KINDS = ("csv", "jsonl")
ZONES = ("Europe/Helsinki", "UTC")


class MappingError(InputError):
    """A mapping file that does not describe a readable format (a developer's mistake, reported plainly)."""


@dataclass(frozen=True)
class Mapping:
    name: str
    source_system: str
    kind: str
    encoding: str
    delimiter: str
    detect_columns: tuple[str, ...]
    time_format: str
    time_zone: str
    columns: dict[str, str]                      # canonical field -> source column / key
    required: tuple[str, ...]                    # source columns / keys that must be present
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical field -> {casefolded source word: canonical}

    def adapter(self, config: dict) -> MappingAdapter:
        return MappingAdapter(self, config)


def _load(path: Path) -> Mapping:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(path, f"not valid TOML ({exc})") from None
    name = path.stem
    kind = doc.get("kind")
    if kind not in KINDS:
        raise MappingError(path, f"kind must be one of {', '.join(KINDS)}", field="kind")
    columns = dict(doc.get("columns", {}))
    unknown = [c for c in columns if c not in CANONICAL_COLUMNS]
    if unknown:
        raise MappingError(path, f"'{unknown[0]}' is not a canonical event field", field="columns")
    for needed in ("source_event_id", "event_time", "action"):
        if needed not in columns:
            raise MappingError(path, f"columns must map the canonical field '{needed}'", field="columns")
    time = doc.get("time", {})
    zone = time.get("zone", "Europe/Helsinki")
    if zone not in ZONES:
        raise MappingError(path, f"time.zone must be one of {', '.join(ZONES)}", field="time.zone")
    detect = doc.get("detect", {})
    required = doc.get("required", {})
    values = {
        canonical: {str(k).strip().casefold(): str(v) for k, v in words.items()}
        for canonical, words in doc.get("values", {}).items()
    }
    return Mapping(
        name=name,
        source_system=doc.get("source_system") or name,
        kind=kind,
        encoding=doc.get("encoding", "utf-8"),
        delimiter=doc.get("delimiter", ","),
        detect_columns=tuple(detect.get("columns") or detect.get("keys") or ()),
        time_format=time.get("format", "iso8601"),
        time_zone=zone,
        columns=columns,
        required=tuple(required.get("columns") or required.get("keys") or ()),
        constants={k: str(v) for k, v in doc.get("constants", {}).items()},
        values=values,
    )


@lru_cache(maxsize=32)
def load_mapping(name: str) -> Mapping:
    """The mapping sql/mappings/<name>.toml (for `lokivahti ingest --source NAME`)."""
    path = MAPPINGS_DIR / f"{name}.toml"
    if not path.is_file() or "/" in name or "\\" in name:
        known = ", ".join(available_mappings()) or "none"
        raise InputError(name, f"no mapping named '{name}' in sql/mappings (known: {known})")
    return _load(path)


def available_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def detect(path: Path, head: bytes, config: dict):
    """The adapter of the first mapping whose recognition columns/keys the file's first line has, or None."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    first = first.removeprefix(BOM)
    for name in available_mappings():
        mapping = load_mapping(name)
        if not mapping.detect_columns:
            continue
        try:
            text = first.decode(mapping.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if mapping.kind == "csv":
            try:
                present = {h.strip() for h in next(csv.reader([text], delimiter=mapping.delimiter), [])}
            except csv.Error:
                continue
        else:
            try:
                obj = json.loads(text)
            except (ValueError, RecursionError):
                continue
            present = set(obj) if isinstance(obj, dict) else set()
        if set(mapping.detect_columns) <= present:
            return mapping.adapter(config)
    return None


class MappingAdapter:
    """Reads one client system's export per its mapping; see the module docstring."""

    def __init__(self, mapping: Mapping, config: dict):
        self.mapping = mapping
        self.format_name = f"mapping:{mapping.name}"
        self.source_system = mapping.source_system
        self.max_record_bytes = int(config["ingest"]["max_record_bytes"])
        self._fast_time = _numeric_time_pattern(mapping.time_format)
        # per-record work is a copy of this template and one pass over this plan
        self._template = {c: None for c in CANONICAL_COLUMNS} | mapping.constants | {
            "source_system": mapping.source_system}
        self._plan = [(canonical, column, mapping.values.get(canonical), canonical == "event_time")
                      for canonical, column in mapping.columns.items()]

    # --- lines ---------------------------------------------------------------------------------
    def _lines(self, path: Path) -> Iterator[tuple[int, bytes, bool]]:
        """(line number, bytes without line ending, ended with a newline?), streamed; BOM removed."""
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                if number == 1 and line.startswith(BOM):
                    line = line[len(BOM):]
                terminated = line.endswith(b"\n")
                yield number, line.rstrip(b"\r\n"), terminated

    def _decode(self, data: bytes) -> str:
        return data.decode(self.mapping.encoding)

    # --- values --------------------------------------------------------------------------------
    def _time(self, text: str) -> str:
        """The timestamp as ISO 8601: naive local time for Helsinki (the normaliser applies DST), `Z` for UTC."""
        m = self.mapping
        if m.time_format == "iso8601":
            if m.time_zone == "UTC" and not _OFFSET.search(text):
                return text + "Z"
            return text
        if self._fast_time is not None:  # numeric formats: a regex and datetime() are ~10x faster than strptime
            match = self._fast_time.fullmatch(text)
            if match is None:
                raise ValueError("not in the declared format")
            g = match.groupdict()
            parsed = datetime(int(g["Y"]), int(g["m"]), int(g["d"]), int(g.get("H") or 0), int(g.get("M") or 0),
                              int(g.get("S") or 0))
            return parsed.isoformat(timespec="seconds") + ("Z" if m.time_zone == "UTC" else "")
        parsed = datetime.strptime(text, m.time_format)  # ValueError: not in the declared format
        iso = parsed.isoformat(timespec="microseconds" if parsed.microsecond else "seconds")
        return iso + ("Z" if m.time_zone == "UTC" else "")

    def _canonical(self, record_no: int, line_no: int, raw: str, get) -> StagedRecord | Rejected:
        """Map one record (get(column) -> text or None) onto canonical fields, translating vocabularies."""
        fields = self._template.copy()
        for canonical, column, vocab, is_time in self._plan:
            value = get(column)
            if value is None:
                continue
            value = value.strip()
            if not value:
                continue
            if vocab is not None:
                translated = vocab.get(value.casefold())
                if translated is None:
                    return Rejected(record_no, f"unknown {canonical} value in column '{column}' "
                                    f"(not in the {self.mapping.name} mapping)", raw, line_no, canonical)
                value = translated
            elif is_time:
                try:
                    value = self._time(value)
                except ValueError:
                    return Rejected(record_no, f"event_time in column '{column}' does not match the format "
                                    f"{self.mapping.time_format} of the {self.mapping.name} mapping",
                                    raw, line_no, "event_time")
            fields[canonical] = value
        return StagedRecord(record_no, fields, raw, line_no)

    # --- formats -------------------------------------------------------------------------------
    def records(self, path: Path) -> Iterator[StagedRecord | Rejected]:
        path = Path(path)
        if self.mapping.kind == "csv":
            yield from self._csv_records(path)
        else:
            yield from self._jsonl_records(path)

    def _csv_records(self, path: Path):
        m = self.mapping
        lines = self._lines(path)
        header = None
        for line_no, data, _ in lines:
            if data.strip():
                try:
                    text = self._decode(data)
                except UnicodeDecodeError:
                    raise InputError(path, f"header row is not {m.encoding} (the {m.name} mapping's encoding)",
                                     line=line_no) from None
                try:
                    header = [h.strip() for h in next(csv.reader([text], delimiter=m.delimiter))]
                except csv.Error as exc:  # e.g. a field over the csv module's 128 KB limit
                    raise InputError(path, f"header row is not CSV ({exc})", line=line_no) from None
                break
        if header is None:
            raise InputError(path, "empty file (no header row)", line=1)
        for column in m.required:
            if column not in header:
                raise InputError(path, f"missing required column '{column}' (the {m.name} mapping needs it)",
                                 line=line_no, field=column)
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        feed = _OneLine()
        reader = csv.reader(feed, delimiter=m.delimiter, strict=True)  # one reader for the file, fed line by line
        for item in self._decoded(lines):
            if isinstance(item, Rejected):
                yield item
                continue
            record_no, line_no, text, terminated = item
            feed.line = text
            try:
                row = next(reader)
            except csv.Error as exc:
                yield Rejected(record_no, f"malformed CSV ({exc})", text, line_no)
                continue
            if len(row) != len(header):
                if len(row) < len(header) and not terminated:
                    reason = f"truncated last line ({len(row)} fields, header has {len(header)})"
                else:
                    reason = f"{len(row)} fields, header has {len(header)}"
                yield Rejected(record_no, reason, text, line_no)
                continue
            yield self._canonical(record_no, line_no, text,
                                  lambda col, row=row: row[index[col]] if col in index else None)

    def _decoded(self, lines):
        """Numbered, decoded non-blank lines: (record_no, line_no, text, terminated), or a Rejected for a line
        that is too long or not in the mapping's encoding (CSV and JSON lines share this)."""
        record_no = 0
        for line_no, data, terminated in lines:
            if not data.strip():
                continue
            record_no += 1
            if len(data) > self.max_record_bytes:
                yield Rejected(record_no, f"record longer than max_record_bytes ({self.max_record_bytes})",
                               None, line_no)
                continue
            try:
                yield record_no, line_no, self._decode(data), terminated
            except UnicodeDecodeError as exc:
                yield Rejected(record_no, f"byte at position {exc.start + 1} is not {self.mapping.encoding} "
                                          "(wrong encoding?)", data.decode(self.mapping.encoding, errors="replace"),
                               line_no)

    def _jsonl_records(self, path: Path):
        m = self.mapping
        for item in self._decoded(self._lines(path)):
            if isinstance(item, Rejected):
                yield item
                continue
            record_no, line_no, text, terminated = item
            try:
                obj = json.loads(text)
            except RecursionError:
                yield Rejected(record_no, "JSON nested too deeply to read", None, line_no)
                continue
            except ValueError as exc:
                what = "truncated last line" if not terminated else "malformed JSON"
                yield Rejected(record_no, f"{what} ({exc.msg} at column {exc.colno})", text, line_no)
                continue
            if not isinstance(obj, dict):
                yield Rejected(record_no, "a JSON line must be an object", text, line_no)
                continue
            missing = [k for k in m.required if obj.get(k) in (None, "")]
            if missing:
                canonical = next((c for c, k in m.columns.items() if k == missing[0]), None)
                yield Rejected(record_no, f"missing key '{missing[0]}'", text, line_no, canonical)
                continue
            yield self._canonical(record_no, line_no, text, lambda key, obj=obj: _scalar(obj.get(key)))


class _OneLine:
    """An iterator that hands the csv reader one line at a time (one reader per file, records per line)."""

    line: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line, self.line = self.line, None
        if line is None:
            raise StopIteration
        return line


_DIRECTIVES = {"Y": r"(?P<Y>\d{4})", "m": r"(?P<m>\d{1,2})", "d": r"(?P<d>\d{1,2})", "H": r"(?P<H>\d{1,2})",
               "M": r"(?P<M>\d{1,2})", "S": r"(?P<S>\d{1,2})"}


def _numeric_time_pattern(time_format: str) -> re.Pattern | None:
    """A regex for a format made only of %Y %m %d %H %M %S and literal characters, else None (use strptime)."""
    if time_format == "iso8601":
        return None
    parts, i = [], 0
    while i < len(time_format):
        ch = time_format[i]
        if ch == "%":
            directive = time_format[i + 1:i + 2]
            if directive not in _DIRECTIVES or _DIRECTIVES[directive] in parts:
                return None
            parts.append(_DIRECTIVES[directive])
            i += 2
        else:
            parts.append(re.escape(ch))
            i += 1
    if not all(_DIRECTIVES[k] in parts for k in "Ymd"):
        return None
    return re.compile("".join(parts))


def _scalar(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
