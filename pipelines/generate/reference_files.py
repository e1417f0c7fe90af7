"""Write the county's reference folder in the DOMAIN.md contract (UTF-8, header row, YYYY-MM-DD)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from .model import County


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _b(value: bool) -> str:
    return "true" if value else "false"


def _write(path: Path, header: tuple[str, ...], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_reference(county: County, folder: Path, key_objects) -> list[tuple[str, str]]:
    """Write every file; return key labels (rule, 'table|line_no') for the planted reference faults.

    line_no is the physical line in the file, the header being line 1 (as the reference import counts).
    """
    folder.mkdir(parents=True, exist_ok=True)
    c = county
    _write(folder / "organisations.csv", ("organisation_id", "name", "kind"), [list(o) for o in c.organisations])
    _write(folder / "units.csv", ("unit_id", "organisation_id", "name", "service_task", "opening_hours"),
           [[*u, c.opening_hours.get(u[0], "")] for u in c.units])
    staff_rows = c.staff + c.extra_staff_rows
    _write(folder / "staff.csv", ("staff_id", "full_name", "personal_id", "address", "organisation_id", "unit_id",
                                  "role", "title", "valid_from", "valid_to"),
           [[s.staff_id, s.full_name, s.personal_id, s.address, s.organisation_id, s.unit_id, s.role, s.title,
             _d(s.valid_from), _d(s.valid_to)] for s in staff_rows])
    accounts = [[src, acc, s.staff_id] for s in c.staff for src, acc in sorted(s.accounts.items())]
    accounts += [list(a) for a in c.orphan_accounts]
    _write(folder / "accounts.csv", ("source_system", "account", "staff_id"), accounts)
    _write(folder / "role_permissions.csv", ("role", "service_task", "action", "requires_involvement"),
           [[r, t, a, _b(req)] for r, t, a, req in c.role_permissions])
    _write(folder / "involvement.csv", ("client_id", "staff_id", "unit_id", "kind", "valid_from", "valid_to"),
           [[i.client_id, i.staff_id or "", i.unit_id or "", i.kind, _d(i.valid_from), _d(i.valid_to)]
            for i in c.involvement])
    _write(folder / "provider_authorisations.csv", ("organisation_id", "client_id", "agreement", "phase",
                                                    "valid_from", "valid_to", "cancelled_on"),
           [[a.organisation_id, a.client_id, a.agreement, a.phase, _d(a.valid_from), _d(a.valid_to),
             _d(a.cancelled_on)] for a in c.authorisations])
    _write(folder / "clients.csv", ("client_id", "full_name", "birth_date", "address", "deceased_on",
                                    "security_prohibition", "placement_secret", "placement_secret_until",
                                    "minor_capacity"),
           [[cl.client_id, cl.full_name, _d(cl.birth_date), cl.address, _d(cl.deceased_on),
             _b(cl.security_prohibition), _b(cl.placement_secret), _d(cl.placement_secret_until), cl.minor_capacity]
            for cl in c.clients])
    _write(folder / "disclosure_prohibitions.csv", ("client_id", "scope", "target", "valid_from", "valid_to"),
           [[p.client_id, p.scope, p.target, _d(p.valid_from), _d(p.valid_to)] for p in c.prohibitions])
    _write(folder / "disclosure_permissions.csv", ("client_id", "scope", "valid_from", "valid_to"),
           [[p.client_id, p.scope, _d(p.valid_from), _d(p.valid_to)] for p in c.permissions])
    tables = {"staff": staff_rows, "involvement": c.involvement, "provider_authorisations": c.authorisations,
              "disclosure_prohibitions": c.prohibitions, "disclosure_permissions": c.permissions}
    keys = []
    for rule, table, obj in key_objects:
        index = next(n for n, row in enumerate(tables[table]) if row is obj)
        keys.append((rule, f"{table}|{index + 2}"))
    return keys
