"""Imports a reference-data folder (the DOMAIN.md contract), validated row by row.

The folder is a snapshot: an import replaces every reference table at once (one transaction).
A row that breaks a rule (a date that is not a date, an invalid personal identity code, a value outside
its vocabulary) is kept out and recorded in `reference_rejects` with file, line and column; the reason
never repeats the value. Missing files or columns stop the import with a one-line error and change nothing.
Logically odd but well-formed rows (reversed or overlapping periods, unknown roles) are loaded: the
data-quality checks turn them into findings, so nothing passes silently.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from . import identity
from .errors import InputError
from .sqlfiles import statement, transaction


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"          # text, date, bool, hetu, enum
    required: bool = True       # the column must exist in the header
    not_empty: bool = False     # the value must be present
    choices: tuple[str, ...] = ()


def _c(name, kind="text", required=True, not_empty=False, choices=()):
    return Column(name, kind, required, not_empty, tuple(choices))


# file name -> (table, columns, file required?)
CONTRACT: dict[str, tuple[str, tuple[Column, ...], bool]] = {
    "organisations.csv": ("ref_organisations", (
        _c("organisation_id", not_empty=True), _c("name"),
        _c("kind", "enum", not_empty=True, choices=("county", "municipality", "private_provider", "state")),
    ), True),
    "units.csv": ("ref_units", (
        _c("unit_id", not_empty=True), _c("organisation_id"), _c("name"), _c("service_task", required=False),
        _c("opening_hours", "opening_hours", required=False),
    ), False),
    "staff.csv": ("ref_staff", (
        _c("staff_id", not_empty=True), _c("full_name"), _c("personal_id", "hetu"), _c("address"),
        _c("organisation_id", not_empty=True), _c("unit_id"), _c("role", not_empty=True), _c("title"),
        _c("valid_from", "date", not_empty=True), _c("valid_to", "date"),
    ), True),
    "accounts.csv": ("ref_accounts", (
        _c("source_system", not_empty=True), _c("account", not_empty=True), _c("staff_id", not_empty=True),
    ), True),
    "role_permissions.csv": ("ref_role_permissions", (
        _c("role", not_empty=True), _c("service_task", not_empty=True),
        _c("action", "enum", not_empty=True,
           choices=("read", "write", "print", "export", "search", "create", "update", "delete", "disclose", "*")),
        _c("requires_involvement", "bool", not_empty=True),
    ), True),
    "involvement.csv": ("ref_involvement", (
        _c("client_id", "hetu", not_empty=True), _c("staff_id"), _c("unit_id"),
        _c("kind", "enum", not_empty=True,
           choices=("responsible_worker", "work_pair", "unit", "referral", "supervision_case")),
        _c("valid_from", "date", not_empty=True), _c("valid_to", "date"),
    ), True),
    "provider_authorisations.csv": ("ref_provider_authorisations", (
        _c("organisation_id", not_empty=True), _c("client_id", "hetu", not_empty=True),
        _c("agreement", "enum", not_empty=True, choices=("framework", "direct")),
        _c("phase", "enum", not_empty=True, choices=("tender", "service")),
        _c("valid_from", "date", not_empty=True), _c("valid_to", "date"), _c("cancelled_on", "date", required=False),
    ), False),
    "clients.csv": ("ref_clients", (
        _c("client_id", "hetu", not_empty=True), _c("full_name"), _c("birth_date", "date"), _c("address"),
        _c("deceased_on", "date"), _c("security_prohibition", "bool", not_empty=True),
        _c("placement_secret", "bool", not_empty=True), _c("placement_secret_until", "date"),
        _c("minor_capacity", "enum", choices=("not_capable", "allows_guardians", "prohibits_guardians")),
    ), True),
    "disclosure_prohibitions.csv": ("ref_disclosure_prohibitions", (
        _c("client_id", "hetu", not_empty=True),
        _c("scope", "enum", not_empty=True, choices=("controller", "service_task", "document")),
        _c("target", not_empty=True), _c("valid_from", "date", not_empty=True), _c("valid_to", "date"),
    ), False),
    "disclosure_permissions.csv": ("ref_disclosure_permissions", (
        _c("client_id", "hetu", not_empty=True), _c("scope", "enum", not_empty=True, choices=("social_care",)),
        _c("valid_from", "date", not_empty=True), _c("valid_to", "date"),
    ), False),
}

_TRUE, _FALSE = {"true", "1", "yes", "kyllä"}, {"false", "0", "no", "ei"}


@dataclass
class Reject:
    file_name: str
    line_no: int
    column: str | None
    reason: str


def _convert(col: Column, value: str):
    """The typed value, or raise ValueError with a reason that does not echo the value."""
    if col.kind == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a date (expected YYYY-MM-DD)") from None
    if col.kind == "bool":
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError("not true/false")
    if col.kind == "hetu":
        try:  # the one rule for identity codes (pipelines/identity.py): validated, upper case
            return identity.validate(value)
        except identity.WrongCheckCharacter:
            raise ValueError("personal identity code has a wrong check character") from None
        except identity.InvalidIdentityCode:
            raise ValueError("not a valid personal identity code") from None
    if col.kind == "opening_hours":
        from .scoring.hours import parse_opening_hours

        parse_opening_hours(value)   # ValueError with a reason when it is not one of the documented forms
        return value
    if col.kind == "enum" and value not in col.choices:
        raise ValueError(f"not one of {', '.join(col.choices)}")
    return value


def read_reference_file(path: Path, columns: tuple[Column, ...]) -> tuple[dict[str, list], list[Reject]]:
    """Validated columns of one file and the rows kept out, with their line numbers."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return _read_rows(path, fh, columns)


def _read_rows(path: Path, fh, columns: tuple[Column, ...]) -> tuple[dict[str, list], list[Reject]]:
    try:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 (reference files are UTF-8 CSV)", line=1) from None
    if not header:
        raise InputError(path, "empty file (no header row)", line=1)
    for col in columns:
        if col.required and col.name not in header:
            raise InputError(path, f"missing required column '{col.name}'", line=1, field=col.name)
    index = {name: header.index(name) for name in (c.name for c in columns) if name in header}
    data: dict[str, list] = {c.name: [] for c in columns}
    data["line_no"] = []
    rejects: list[Reject] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(v.strip() for v in row):
                continue
            if len(row) != len(header):
                rejects.append(Reject(path.name, line, None, f"{len(row)} fields, header has {len(header)}"))
                continue
            values, bad = {}, None
            for col in columns:
                raw = row[index[col.name]].strip() if col.name in index else ""
                if not raw:
                    if col.not_empty:
                        bad = Reject(path.name, line, col.name, "required value missing")
                        break
                    values[col.name] = None
                    continue
                try:
                    values[col.name] = _convert(col, raw)
                except ValueError as exc:
                    bad = Reject(path.name, line, col.name, str(exc))
                    break
            if bad:
                rejects.append(bad)
                continue
            for name, value in values.items():
                data[name].append(value)
            data["line_no"].append(line)
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 (reference files are UTF-8 CSV)", line=reader.line_num + 1) from None
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})", line=reader.line_num) from None
    return data, rejects


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted(CONTRACT):
        p = folder / name
        if p.exists():
            digest.update(name.encode())
            digest.update(p.read_bytes())
    return digest.hexdigest()


def import_reference(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    """Replace the reference tables with the folder's contents. Returns counts and rejects."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "not a folder of reference CSV files")
    loaded: dict[str, dict] = {}
    rejects: list[Reject] = []
    for name, (table, columns, required) in CONTRACT.items():
        path = folder / name
        if not path.exists():
            if required:
                raise InputError(path, "required reference file is missing")
            loaded[table] = {c.name: [] for c in columns} | {"line_no": []}
            continue
        data, bad = read_reference_file(path, columns)
        loaded[table] = data
        rejects.extend(bad)
    import_id = con.execute(statement("reference/import.sql", "next_import_id")).fetchone()[0]
    total = sum(len(d["line_no"]) for d in loaded.values())
    with transaction(con):
        con.execute(statement("reference/import.sql", "clear"))
        for table, data in loaded.items():
            cols = con.table(table).columns
            frame = pa.table({c: data.get(c, [None] * len(data["line_no"])) for c in cols})
            con.from_arrow(frame).insert_into(table)
        con.executemany(
            statement("reference/import.sql", "add_reject"),
            [[import_id, r.file_name, r.line_no, r.column, r.reason] for r in rejects],
        ) if rejects else None
        con.execute(
            statement("reference/import.sql", "add_import"),
            [import_id, str(folder.resolve()), _fingerprint(folder), datetime.now(UTC), total, len(rejects)],
        )
    return {"import_id": import_id, "rows": {t: len(d["line_no"]) for t, d in loaded.items()}, "rejects": rejects}
