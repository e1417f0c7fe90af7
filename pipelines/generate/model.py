"""The synthetic county in memory: reference rows and access events, before they are written.

Rows keep the exact columns of the DOMAIN.md reference contract; a few private fields (prefixed
with an underscore in `extra`) tell the event generator which service task a row belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

OPEN = date(9999, 12, 31)


class InForce:
    """A row in force from valid_from through valid_to (None: still in force), both days included, as in
    the reference contract."""

    valid_from: date
    valid_to: date | None

    def covers(self, d: date) -> bool:
        return self.valid_from <= d <= (self.valid_to or OPEN)


@dataclass
class Staff:
    staff_id: str
    full_name: str
    personal_id: str
    address: str
    organisation_id: str
    unit_id: str
    role: str
    title: str
    valid_from: date
    valid_to: date | None
    accounts: dict[str, str] = field(default_factory=dict)   # source_system -> account
    active: bool = True                                       # background events at all

    def employed(self, d: date) -> bool:
        return self.valid_from <= d <= (self.valid_to or OPEN)


@dataclass
class Client:
    client_id: str
    full_name: str
    birth_date: date
    address: str
    deceased_on: date | None = None
    security_prohibition: bool = False
    placement_secret: bool = False
    placement_secret_until: date | None = None
    minor_capacity: str = ""
    special: bool = False    # planted (staff member, relative, ...): never touched by background

    def protected_on(self, d: date) -> bool:
        if self.security_prohibition:
            return True
        return self.placement_secret and (self.placement_secret_until is None or d <= self.placement_secret_until)

    @property
    def ever_protected(self) -> bool:
        return self.security_prohibition or self.placement_secret


@dataclass
class Involvement(InForce):
    client_id: str
    staff_id: str | None
    unit_id: str | None
    kind: str
    valid_from: date
    valid_to: date | None
    service_task: str = ""   # private: the task under which the row's holders access the client


@dataclass
class Authorisation:
    organisation_id: str
    client_id: str
    agreement: str
    phase: str
    valid_from: date
    valid_to: date | None
    cancelled_on: date | None = None
    service_task: str = ""

    @property
    def effective_to(self) -> date:
        end = self.valid_to or OPEN
        if self.cancelled_on is not None:
            end = min(end, date.fromordinal(self.cancelled_on.toordinal() - 1))
        return end

    def covers(self, d: date) -> bool:
        return self.valid_from <= d <= self.effective_to


@dataclass
class Prohibition(InForce):
    client_id: str
    scope: str
    target: str
    valid_from: date
    valid_to: date | None


@dataclass
class Permission(InForce):
    client_id: str
    scope: str
    valid_from: date
    valid_to: date | None


@dataclass
class Event:
    """One access-log record in canonical terms; `local` is Europe/Helsinki wall-clock time."""

    source_system: str
    local: datetime
    account: str | None
    client_id: str | None
    action: str
    service_task: str | None = None
    document: str | None = None
    purpose: str | None = "client_relationship"
    emergency: bool = False
    organisation_id: str | None = None
    controller_id: str | None = "HVA"
    recipient_organisation_id: str | None = None
    outcome: str | None = "success"
    session_id: str | None = None
    search_criteria: str | None = None
    record_count: int | None = None
    legal_basis: str | None = None        # a disclosure's legal provision, permission or consent (703/2023 10 §)
    data_description: str | None = None
    event_id: str = ""
    plant: str = ""            # name of the planted case ("" = background)

    @property
    def day(self) -> date:
        return self.local.date()


@dataclass
class County:
    """Everything the reference folder holds, plus the event generator's indexes."""

    start: date
    end: date
    organisations: list[tuple[str, str, str]] = field(default_factory=list)
    units: list[tuple[str, str, str, str]] = field(default_factory=list)
    opening_hours: dict[str, str] = field(default_factory=dict)   # unit -> units.csv opening_hours ("24/7")
    role_permissions: list[tuple[str, str, str, bool]] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    extra_staff_rows: list[Staff] = field(default_factory=list)   # second rows (overlap, reversed)
    orphan_accounts: list[tuple[str, str, str]] = field(default_factory=list)  # account -> staff not in staff.csv
    clients: list[Client] = field(default_factory=list)
    involvement: list[Involvement] = field(default_factory=list)
    authorisations: list[Authorisation] = field(default_factory=list)
    prohibitions: list[Prohibition] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    key_labels: list[tuple[str, str]] = field(default_factory=list)

    def org_kind(self, org: str) -> str | None:
        for oid, _name, kind in self.organisations:
            if oid == org:
                return kind
        return None
