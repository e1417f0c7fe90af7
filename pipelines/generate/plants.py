"""Planted cases: violations of every rule, near misses at every boundary, data-quality and
log-completeness faults, and behavioural anomalies that no rule flags.

A plant reserves the staff-days it uses (background leaves those workers alone that day and the plant
writes their whole day), adds what it needs to the reference data, and names the rule it is about.
Which rules an event actually breaks is decided afterwards by the oracle (oracle.py), so an event that
breaks two rules gets two labels; a plant whose intended rule does not fire stops the generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .background import Background, primary_sources
from .county import CountyBuilder
from .model import Authorisation, Client, Event, Involvement, Permission, Prohibition, Staff


@dataclass
class PlantSet:
    events: list[Event] = field(default_factory=list)
    reserved: dict[date, set[str]] = field(default_factory=dict)        # day -> staff ids
    quiet: set[tuple[str, date]] = field(default_factory=set)           # reserved without their normal work
    intended: list[tuple[Event, str]] = field(default_factory=list)     # (event, rule) that must fire
    near_misses: list[tuple[Event, str]] = field(default_factory=list)  # (event, rule) that must not fire
    anomalies: list[tuple[str, date, str]] = field(default_factory=list)
    anomaly_events: list[Event] = field(default_factory=list)
    legitimate: list[tuple[str, date, str]] = field(default_factory=list)  # heavy or unusual but ordinary days
    silent: dict[tuple[str, date], int] = field(default_factory=dict)   # (source, day) -> events kept
    reexport: tuple[str, date, date] | None = None                      # source, first day, last day
    key_objects: list[tuple[str, str, object]] = field(default_factory=list)  # rule, table, row object


def birth_from_code(code: str) -> date:
    century = {"+": 1800, "-": 1900, "A": 2000}.get(code[6], 1900)
    return date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))


class Planter:
    def __init__(self, builder: CountyBuilder, seed: int, cases: int):
        self.b = builder
        self.c = builder.county
        self.rng = random.Random(f"plants:{seed}")
        self.cases = cases
        self.p = PlantSet()
        self.used_days: set[tuple[str, date]] = set()
        self.bg: Background | None = None
        span = (self.c.end - self.c.start).days
        self.workdays = [self.c.start + timedelta(days=k) for k in range(4, span - 3)
                         if (self.c.start + timedelta(days=k)).weekday() < 5]

    # -- helpers ------------------------------------------------------------------------------
    def staff(self, unit: str | None = None, role: str | None = None, steady: bool = True) -> list[Staff]:
        out = [s for s in self.c.staff if s.active and (unit is None or s.unit_id == unit)
               and (role is None or s.role == role)]
        if steady:
            out = [s for s in out if s.valid_to is None and s.valid_from < self.c.start]
        return out

    def day_for(self, s: Staff | None) -> date:
        """A working day on which this worker has no other plant (so each plant owns its staff-day)."""
        for _ in range(500):
            d = self.rng.choice(self.workdays)
            if s is None or (s.staff_id, d) not in self.used_days:
                return d
        raise RuntimeError("no free day for a plant")

    def reserved_day(self, workers) -> tuple[Staff, date]:
        """One of the workers and a free working day of theirs, reserved for the plant at hand."""
        s = self.rng.choice(workers)
        d = self.day_for(s)
        self.reserve(s, d)
        return s, d

    def reserve(self, s: Staff | None, d: date, quiet: bool = False):
        if s is not None:
            self.used_days.add((s.staff_id, d))
            self.p.reserved.setdefault(d, set()).add(s.staff_id)
            if quiet:
                self.p.quiet.add((s.staff_id, d))

    def at(self, d: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(d, time(hour, minute)) + timedelta(seconds=self.rng.randint(0, 59))

    def ev(self, s: Staff | None, src: str, t: datetime, cid, action, task, doc="asiakaskertomus",
           purpose="client_relationship", plant="", account=None, **kw) -> Event:
        e = Event(source_system=src, local=t, account=account if account is not None else s.accounts[src],
                  client_id=cid, action=action, service_task=task, document=doc, purpose=purpose,
                  organisation_id=s.organisation_id if s else None, plant=plant,
                  session_id=f"{src[:3]}-{t:%Y%m%d}-{s.staff_id if s else 'x'}", **kw)
        self.p.events.append(e)
        return e

    def intend(self, e: Event, rule: str):
        self.p.intended.append((e, rule))

    def near(self, e: Event, rule: str):
        self.p.near_misses.append((e, rule))

    def settled_clients(self, unit: str, leave_out) -> list[str]:
        """Clients of the unit whose open involvement began before the period, less those `leave_out(client)`
        names (protected, deceased, …: clients whose accesses other rules would judge)."""
        clients = [i.client_id for i in self.c.involvement if i.unit_id == unit and i.valid_to is None
                   and i.valid_from < self.c.start]
        excluded = {c.client_id for c in self.c.clients if leave_out(c)}
        return [c for c in clients if c not in excluded]

    def fresh_client(self, first_year=2008, last_year=2020, **kw) -> Client:
        cl = self.b.new_client(first_year, last_year)
        cl.security_prohibition = False
        for k, v in kw.items():
            setattr(cl, k, v)
        cl.special = True
        return cl

    def inv(self, cid, kind, valid_from, valid_to=None, staff=None, unit=None, task="child_welfare"):
        row = Involvement(cid, staff.staff_id if staff else None, unit, kind, valid_from, valid_to, task)
        self.c.involvement.append(row)
        return row

    def pick(self, items, k=1):
        items = list(items)
        self.rng.shuffle(items)
        return items[:k]

    # -- the plants ---------------------------------------------------------------------------
    def run(self) -> PlantSet:
        for name in ("involvement", "writes", "roles", "employment", "unknown", "providers", "tender",
                     "disclosures", "snooping", "protected", "deceased", "emergency", "log_fields",
                     "duplicates", "clock", "reference_quality"):
            getattr(self, f"plant_{name}")()
        return self.p

    def plant_involvement(self):
        workers = self.staff("LS-SO", "social_worker")
        ps_clients = [i.client_id for i in self.c.involvement if i.unit_id == "PS" and i.kind == "unit"
                      and i.valid_from < self.c.start and i.valid_to is None]
        protected = {c.client_id for c in self.c.clients if c.ever_protected}
        ps_clients = [c for c in ps_clients if c not in protected]
        for n in range(self.cases):
            s, cid = self.rng.choice(workers), self.rng.choice(ps_clients)
            d = self.day_for(s)
            self.reserve(s, d)
            action = "search" if n % 3 == 2 else "read"
            e = self.ev(s, "pro_consona", self.at(d, 10 + n % 5), cid, action, "family_social_work",
                        plant="snooping_other_unit", search_criteria="sukunimi" if action == "search" else None,
                        record_count=1 if action == "search" else None)
            self.intend(e, "involvement_missing")
        # near miss: unit involvement that starts on the day of access
        for n in range(max(1, self.cases // 2)):
            s, d = self.reserved_day(workers)
            cl = self.fresh_client()
            self.inv(cl.client_id, "unit", d, None, unit="LS-SO")
            e = self.ev(s, "pro_consona", self.at(d, 9), cl.client_id, "read", "child_welfare",
                        plant="involvement_starts_today")
            self.near(e, "involvement_missing")

    def plant_writes(self):
        workers = self.staff("AIK", "social_worker")
        kh = self.settled_clients("KH", lambda c: c.ever_protected or c.deceased_on)
        for n in range(self.cases):
            s, cid = self.rng.choice(workers), self.rng.choice(kh)
            d = self.day_for(s)
            self.reserve(s, d)
            action = ("update", "create", "update")[n % 3]
            e = self.ev(s, "effica", self.at(d, 13), cid, action, "adult_social_work", plant="write_unrelated_client")
            self.intend(e, "write_without_involvement")
        # near miss: the last day of a responsible-worker row
        s, d = self.reserved_day(workers)
        cl = self.fresh_client(1960, 1990)
        self.inv(cl.client_id, "responsible_worker", d - timedelta(days=90), d, staff=s, task="adult_social_work")
        e = self.ev(s, "effica", self.at(d, 14), cl.client_id, "update", "adult_social_work",
                    plant="involvement_last_day")
        self.near(e, "write_without_involvement")

    def plant_roles(self):
        fw = self.staff("PS", "family_worker")
        rows = {}
        for i in self.c.involvement:
            if i.kind == "work_pair" and i.unit_id is None and i.valid_from < self.c.start and i.valid_to is None:
                rows.setdefault(i.staff_id, []).append(i.client_id)
        protected = {c.client_id for c in self.c.clients if c.ever_protected or c.deceased_on or c.special}
        fw = [s for s in fw if [c for c in rows.get(s.staff_id, []) if c not in protected]]
        nurses = self.staff("KH", "home_care_nurse")
        kh = [i.client_id for i in self.c.involvement if i.unit_id == "KH" and i.valid_to is None
              and i.valid_from < self.c.start and i.client_id not in protected]
        clerks = self.staff("KIRJ", "registry_clerk")
        for n in range(self.cases):
            kind = n % 3
            if kind == 0 and fw:
                s = self.rng.choice(fw)
                cid = self.rng.choice([c for c in rows[s.staff_id] if c not in protected])
                src, action, task = "effica", "read", "child_welfare"
            elif kind == 1:
                s, cid = self.rng.choice(nurses), self.rng.choice(kh)
                src, action, task = "lifecare", "export", "home_care"
            else:
                s, cid = self.rng.choice(clerks), self.rng.choice(kh)
                src, action, task = "pro_consona", "read", "home_care"
            d = self.day_for(s)
            self.reserve(s, d)
            e = self.ev(s, src, self.at(d, 11), cid, action, task, plant="role_does_not_permit",
                        purpose="other_task" if s.role == "registry_clerk" else "client_relationship")
            self.intend(e, "role_not_permitted")

    def plant_employment(self):
        leavers = [s for s in self.c.staff if s.active and s.valid_to and self.c.start + timedelta(days=5)
                   < s.valid_to < self.c.end - timedelta(days=12) and s.role != "provider_worker"
                   and [i for i in self.c.involvement if i.staff_id == s.staff_id and i.covers(s.valid_to)]]
        for n, s in enumerate(self.pick(leavers, max(2, self.cases))):
            src = primary_source(s)
            rows = [i for i in self.c.involvement if i.staff_id == s.staff_id and i.covers(s.valid_to)]
            row = self.rng.choice(rows)
            task = row.service_task
            last = s.valid_to
            self.reserve(s, last)
            e = self.ev(s, src, self.at(last, 15), row.client_id, "read", task, plant="leaver_last_day")
            self.near(e, "account_outside_employment")
            for k in ((1, 9) if n % 2 == 0 else (3,)):
                d = last + timedelta(days=k)
                e = self.ev(s, src, self.at(d, 20), row.client_id, "read", task, plant="leaver_account_used")
                self.intend(e, "account_outside_employment")
        joiners = [s for s in self.c.staff if s.active and self.c.start + timedelta(days=5) < s.valid_from
                   < self.c.end - timedelta(days=5) and s.unit_id in ("LS-SO", "KH", "PS", "AIK")]
        for s in self.pick(joiners, max(1, self.cases // 2)):
            src = primary_source(s)
            unit_rows = [i for i in self.c.involvement if i.unit_id == s.unit_id and i.kind == "unit"
                         and i.covers(s.valid_from) and i.covers(s.valid_from - timedelta(days=2))]
            protected = {c.client_id for c in self.c.clients if c.ever_protected or c.special or c.deceased_on}
            unit_rows = [i for i in unit_rows if i.client_id not in protected]
            if not unit_rows:
                continue
            row = self.rng.choice(unit_rows)
            before = s.valid_from - timedelta(days=2)
            e = self.ev(s, src, self.at(before, 10), row.client_id, "read", row.service_task,
                        plant="account_before_start")
            self.intend(e, "account_outside_employment")
            self.reserve(s, s.valid_from)
            e = self.ev(s, src, self.at(s.valid_from, 10), row.client_id, "read", row.service_task,
                        plant="joiner_first_day")
            self.near(e, "account_outside_employment")

    def plant_unknown(self):
        workers = self.staff("LS-SO", "social_worker")
        clients = self.settled_clients("LS-SO", lambda c: c.ever_protected or c.special)
        for n in range(self.cases):   # an account nobody registered
            d = self.day_for(None)
            e = self.ev(None, "pro_consona", self.at(d, 9 + n), self.rng.choice(clients), "read", "child_welfare",
                        account=f"sijainen{n + 1:02d}", plant="unregistered_account")
            self.intend(e, "dq_unknown_account")
        # an account row pointing at a staff id missing from staff.csv
        self.c.orphan_accounts.append(("effica", "EF99901", "S99901"))
        for n in range(max(1, self.cases // 2)):
            d = self.day_for(None)
            e = self.ev(None, "effica", self.at(d, 14, 10 * n), self.rng.choice(clients), "read", "child_welfare",
                        account="EF99901", plant="account_of_unknown_staff")
            self.intend(e, "dq_unknown_account")
        for n in range(self.cases):   # clients missing from clients.csv
            s, d = self.reserved_day(workers)
            code = self.b.ids.code(self.b.ids.birth_between(2010, 2019))
            e = self.ev(s, "pro_consona", self.at(d, 10), code, "read", "child_welfare", plant="client_not_in_register")
            self.intend(e, "dq_unknown_client")

    def provider_worker(self, org: str, d: date) -> Staff:
        ws = [s for s in self.c.staff if s.organisation_id == org and s.role == "provider_worker" and s.active
              and s.employed(d) and (s.staff_id, d) not in self.used_days]
        return self.rng.choice(ws)

    def auth_case(self, org, agreement, start, end, cancelled=None, tender=None) -> Client:
        cl = self.fresh_client()
        self.inv(cl.client_id, "referral", start - timedelta(days=30), None, unit="SIJ", task="placement")
        if tender:
            self.c.authorisations.append(Authorisation(org, cl.client_id, agreement, "tender", tender[0], tender[1],
                                                       service_task="placement"))
        self.c.authorisations.append(Authorisation(org, cl.client_id, agreement, "service", start, end, cancelled,
                                                   service_task="placement"))
        return cl

    def provider_event(self, org, d, cid, plant, hour=10):
        s = self.provider_worker(org, d)
        self.reserve(s, d)
        return self.ev(s, "portal", self.at(d, hour), cid, "read", "placement", "sijoitussuunnitelma", plant=plant)

    def plant_providers(self):
        early = [d for d in self.workdays if d <= self.c.end - timedelta(days=30)] or self.workdays[:3]
        for n in range(max(2, self.cases // 2)):
            org = ("P01", "P02")[n % 2]
            d0 = self.rng.choice(early)
            d1 = min(d0 + timedelta(days=self.rng.randint(10, 25)), self.c.end - timedelta(days=4))
            cl = self.auth_case(org, "framework", d0, d1)
            # before start / first day / last day / after end
            before = d0 - timedelta(days=3)
            self.intend(self.provider_event(org, before, cl.client_id, "provider_before_start"),
                        "provider_outside_authorisation")
            self.near(self.provider_event(org, d0, cl.client_id, "provider_first_day"), "provider_outside_authorisation")
            self.near(self.provider_event(org, d1, cl.client_id, "provider_last_day"), "provider_outside_authorisation")
            self.intend(self.provider_event(org, d1 + timedelta(days=2), cl.client_id, "provider_after_end"),
                        "provider_outside_authorisation")
        for n in range(max(2, self.cases // 2)):   # cancelled: the day before counts, the day itself not
            d = self.day_for(None)
            cl = self.auth_case("P01", "framework", d - timedelta(days=40), None, cancelled=d)
            self.near(self.provider_event("P01", d - timedelta(days=1), cl.client_id, "provider_day_before_cancel"),
                      "provider_outside_authorisation")
            self.intend(self.provider_event("P01", d, cl.client_id, "provider_after_cancel"),
                        "provider_outside_authorisation")
        for n in range(max(2, self.cases // 2)):   # never authorised
            org = ("P01", "P05", "P02")[n % 3]
            d = self.day_for(None)
            cl = self.fresh_client()
            self.inv(cl.client_id, "unit", d - timedelta(days=100), None, unit="LS-SO")
            self.intend(self.provider_event(org, d, cl.client_id, "provider_never_authorised"),
                        "provider_outside_authorisation")

    def plant_tender(self):
        for n in range(max(2, self.cases // 2)):
            org = ("P03", "P04")[n % 2]
            d = self.day_for(None)
            t0, t1 = d - timedelta(days=5), d + timedelta(days=2)
            if t1 + timedelta(days=1) > self.c.end:
                t0, t1 = d - timedelta(days=8), d - timedelta(days=1)
                d = t0 + timedelta(days=2)
            cl = self.auth_case(org, "direct", t1 + timedelta(days=1), None, tender=(t0, t1))
            self.intend(self.provider_event(org, d, cl.client_id, "tender_phase_access"),
                        "tender_phase_identifiable_access")
            self.intend(self.provider_event(org, t1, cl.client_id, "tender_phase_access", hour=15),
                        "tender_phase_identifiable_access")
            e = self.provider_event(org, t1 + timedelta(days=1), cl.client_id, "service_first_day")
            self.near(e, "tender_phase_identifiable_access")
            self.near(e, "provider_outside_authorisation")
        # a service that never started (cancelled on its first day)
        d = self.day_for(None)
        cl = self.auth_case("P04", "direct", d - timedelta(days=2), None, cancelled=d - timedelta(days=2),
                            tender=(d - timedelta(days=20), d - timedelta(days=3)))
        self.intend(self.provider_event("P04", d, cl.client_id, "service_never_started"),
                    "provider_outside_authorisation")

    def caseworker_client(self, s: Staff, d: date, **kw) -> Client:
        cl = self.fresh_client(**kw)
        self.inv(cl.client_id, "responsible_worker", d - timedelta(days=60), None, staff=s)
        self.inv(cl.client_id, "unit", d - timedelta(days=60), None, unit="LS-SO")
        return cl

    def disclose(self, s, d, cid, recipient, plant, purpose="client_relationship", doc="asiakassuunnitelma",
                 task="child_welfare", hour=13):
        self.reserve(s, d)
        return self.ev(s, "pro_consona", self.at(d, hour), cid, "disclose", task, doc, purpose=purpose,
                       recipient_organisation_id=recipient, plant=plant)

    def plant_disclosures(self):
        workers = self.staff("LS-SO", "social_worker")
        scopes = [("controller", "HVA", "KAUP", "asiakassuunnitelma"), ("service_task", "child_welfare", "KELA",
                  "asiakassuunnitelma"), ("document", "päätös", "KAUP", "päätös")]
        for n in range(self.cases):
            scope, target, recipient, doc = scopes[n % 3]
            s = self.rng.choice(workers)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            self.c.prohibitions.append(Prohibition(cl.client_id, scope, target, d - timedelta(days=30), None))
            self.intend(self.disclose(s, d, cl.client_id, recipient, "disclosure_despite_prohibition", doc=doc),
                        "disclosure_prohibited")
            # statutory right overrides the prohibition (another day)
            d2 = self.day_for(s)
            if d2 > d - timedelta(days=30):
                e = self.disclose(s, d2, cl.client_id, recipient, "statutory_right_overrides", "statutory_right",
                                  doc=doc, hour=15)
                self.near(e, "disclosure_prohibited")
                self.near(e, "disclosure_without_permission")
        # disclosure to the county's own authorised provider despite a controller prohibition of it
        for n in range(max(1, self.cases // 2)):
            s = self.rng.choice(workers)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            self.c.authorisations.append(Authorisation("P01", cl.client_id, "framework", "service",
                                                       d - timedelta(days=20), None, service_task="placement"))
            self.c.prohibitions.append(Prohibition(cl.client_id, "controller", "P01", d - timedelta(days=30), None))
            e = self.disclose(s, d, cl.client_id, "P01", "own_provider_despite_prohibition")
            self.near(e, "disclosure_prohibited")
            self.near(e, "disclosure_without_permission")
        # no permission, no prohibition, no statutory right
        for n in range(self.cases):
            s = self.rng.choice(workers)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            self.intend(self.disclose(s, d, cl.client_id, "KAUP", "disclosure_without_permission"),
                        "disclosure_without_permission")
        # permission valid until the day of disclosure
        for n in range(max(1, self.cases // 2)):
            s = self.rng.choice(workers)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            self.c.permissions.append(Permission(cl.client_id, "social_care", d - timedelta(days=200), d))
            e = self.disclose(s, d, cl.client_id, "KAUP", "permission_last_day")
            self.near(e, "disclosure_without_permission")

    def staff_as_client(self, s: Staff, unit: str | None, task: str) -> Client:
        cl = Client(s.personal_id, s.full_name, birth_from_code(s.personal_id), s.address, special=True)
        self.c.clients.append(cl)
        if unit:
            self.inv(cl.client_id, "unit", self.c.start - timedelta(days=100), None, unit=unit, task=task)
        return cl

    def plant_snooping(self):
        aik = self.staff("AIK")
        lsso = self.staff("LS-SO", "social_worker")
        ps = self.staff("PS", "social_worker")
        # self access: a worker who is a client of their own unit opens their own record
        for s in self.pick([x for x in aik if x.role != "manager"], max(2, self.cases - 1)):
            self.staff_as_client(s, "AIK", "adult_social_work")
            d = self.day_for(s)
            self.reserve(s, d)
            self.intend(self.ev(s, "effica", self.at(d, 12), s.personal_id, "read", "adult_social_work",
                                plant="own_record"), "self_access")
        # family or neighbour: a relative (same surname) or a neighbour living at the worker's address
        for n, s in enumerate(self.pick(lsso, self.cases)):
            surname = s.full_name.split()[-1] if n % 3 != 2 else None
            cl = self.b.new_client(2009, 2019, address=s.address, surname=surname)
            cl.security_prohibition, cl.special = False, True
            self.inv(cl.client_id, "unit", self.c.start - timedelta(days=50), None, unit="LS-SO")
            d = self.day_for(s)
            self.reserve(s, d)
            self.intend(self.ev(s, "pro_consona", self.at(d, 16), cl.client_id, "read", "child_welfare",
                                plant="relative_or_neighbour"), "family_or_neighbour")
        # co-worker: a colleague who is a family-work client is looked up by another worker
        colleagues = self.pick([x for x in self.staff("KH", "home_care_nurse")], self.cases + 1)
        for n, z in enumerate(colleagues):
            cl = self.staff_as_client(z, "AIK", "adult_social_work")
            w = self.rng.choice(ps)
            d = self.day_for(w)
            self.reserve(w, d)
            if n < self.cases:
                self.intend(self.ev(w, "effica", self.at(d, 9), cl.client_id, "read", "family_social_work",
                                    plant="colleague_record"), "coworker_access")
            else:   # the colleague's own responsible worker: not co-worker snooping
                self.inv(cl.client_id, "responsible_worker", self.c.start - timedelta(days=30), None, staff=w,
                         task="family_social_work")
                self.near(self.ev(w, "effica", self.at(d, 9), cl.client_id, "read", "family_social_work",
                                  plant="colleague_as_own_client"), "coworker_access")

    def plant_protected(self):
        nurses = self.staff("KH", "home_care_nurse")
        lsso = self.staff("LS-SO", "social_worker")
        for n in range(self.cases):
            s = self.rng.choice(nurses)
            d = self.day_for(s)
            cl = self.fresh_client(1930, 1950, security_prohibition=True)
            self.inv(cl.client_id, "unit", d - timedelta(days=100), None, unit="AIK", task="adult_social_work")
            self.reserve(s, d)
            self.intend(self.ev(s, "lifecare", self.at(d, 10), cl.client_id, "read", "home_care", "hoitosuunnitelma",
                                plant="protected_unit_only"), "protected_client")
        for n in range(max(1, self.cases // 2)):   # secret placement: last day protected, next day not
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.fresh_client(placement_secret=True, placement_secret_until=d)
            self.inv(cl.client_id, "unit", d - timedelta(days=100), None, unit="PS")
            self.reserve(s, d)
            self.intend(self.ev(s, "pro_consona", self.at(d, 11), cl.client_id, "read", "child_welfare",
                                plant="secret_placement_last_day"), "protected_client")
            s2 = self.rng.choice([x for x in lsso if (x.staff_id, d + timedelta(days=1)) not in self.used_days])
            self.reserve(s2, d + timedelta(days=1))
            self.near(self.ev(s2, "pro_consona", self.at(d + timedelta(days=1), 11), cl.client_id, "read",
                              "child_welfare", plant="secret_placement_ended"), "protected_client")
        for n in range(max(1, self.cases // 2)):   # the responsible worker of a protected client
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d, security_prohibition=True)
            self.reserve(s, d)
            self.near(self.ev(s, "pro_consona", self.at(d, 14), cl.client_id, "read", "child_welfare",
                              plant="protected_own_client"), "protected_client")

    def plant_deceased(self):
        nurses = self.staff("KH", "home_care_nurse")
        for n in range(self.cases):
            s = self.rng.choice(nurses)
            d = self.day_for(s)
            died = d - timedelta(days=(1, 4, 12)[n % 3])
            cl = self.fresh_client(1925, 1945, deceased_on=died)
            # the client's unit was adult social work: the home-care nurse has no part in the matter
            self.inv(cl.client_id, "unit", d - timedelta(days=300), None, unit="AIK", task="adult_social_work")
            self.reserve(s, d)
            self.intend(self.ev(s, "lifecare", self.at(d, 9), cl.client_id, "read", "home_care", "hoitosuunnitelma",
                                plant="after_death"), "deceased_client_access")
            if (s.staff_id, died) not in self.used_days and died.weekday() < 5:
                self.reserve(s, died)
                self.near(self.ev(s, "lifecare", self.at(died, 8), cl.client_id, "read", "home_care",
                                  "käyntikirjaus", plant="day_of_death"), "deceased_client_access")

    def plant_emergency(self):
        lsso = self.staff("LS-SO", "social_worker")
        for n in range(self.cases):
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.fresh_client()
            self.reserve(s, d)
            self.intend(self.ev(s, "pro_consona", self.at(d, 22, 10), cl.client_id, "read", "child_welfare",
                                purpose="emergency", emergency=True, plant="break_glass_no_followup"),
                        "emergency_without_followup")
        for n in range(max(1, self.cases // 2) + 1):
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.fresh_client()
            if n % 2 == 0:
                self.inv(cl.client_id, "responsible_worker", d + timedelta(days=3), None, staff=s)
            else:
                self.inv(cl.client_id, "unit", d + timedelta(days=1), None, unit="LS-SO")
            self.reserve(s, d)
            self.near(self.ev(s, "pro_consona", self.at(d, 23, 5), cl.client_id, "read", "child_welfare",
                              purpose="emergency", emergency=True, plant="break_glass_followed_up"),
                      "emergency_without_followup")

    def plant_log_fields(self):
        lsso = self.staff("LS-SO", "social_worker")
        coord = self.staff("SIJ", "placement_coordinator")
        for n in range(max(2, self.cases - 1)):
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            e = self.disclose(s, d, cl.client_id, None, "disclosure_without_recipient")
            self.intend(e, "log_missing_fields")
            s2 = self.rng.choice(coord)
            d2 = self.day_for(s2)
            cl2 = self.fresh_client()
            self.inv(cl2.client_id, "referral", d2 - timedelta(days=20), None, unit="SIJ", task="placement")
            self.reserve(s2, d2)
            self.intend(self.ev(s2, "pegasos", self.at(d2, 10), cl2.client_id, "read", "placement",
                                "sijoitussuunnitelma", purpose=None, plant="use_without_purpose"),
                        "log_missing_fields")
        d = self.day_for(None)
        clients = [i.client_id for i in self.c.involvement if i.unit_id == "LS-SO" and i.valid_to is None]
        self.intend(self.ev(None, "pro_consona", self.at(d, 8), self.rng.choice(clients), "read", "child_welfare",
                            account="", plant="use_without_account"), "log_missing_fields")

    def plant_duplicates(self):
        lsso = self.staff("LS-SO", "social_worker")
        for n in range(max(2, self.cases - 1)):
            s = self.rng.choice(lsso)
            d = self.day_for(s)
            cl = self.caseworker_client(s, d)
            self.reserve(s, d)
            t = self.at(d, 10)
            for _ in range(2 + n % 2):
                self.intend(self.ev(s, "pro_consona", t, cl.client_id, "read", "child_welfare", "asiakaskertomus",
                                    plant="duplicate_record"), "log_duplicate_events")

    def plant_clock(self):
        lsso = self.staff("LS-SO", "social_worker")
        last_march = date(self.c.start.year, 3, 31)
        gap_day = last_march - timedelta(days=(last_march.weekday() + 1) % 7)
        if self.c.start <= gap_day <= self.c.end:
            for n in range(2):
                s = self.rng.choice(lsso)
                cl = self.caseworker_client(s, gap_day)
                self.reserve(s, gap_day)
                self.intend(self.ev(s, "pro_consona", datetime.combine(gap_day, time(3, 10 + 20 * n, 7)),
                                    cl.client_id, "read", "child_welfare", plant="time_in_dst_gap"), "log_clock_skew")
        nurse = self.rng.choice(self.staff("KH", "home_care_nurse"))
        nurse.accounts["kotimobiili"] = f"km-{nurse.staff_id.lower()}"
        cl = self.fresh_client(1930, 1950)
        self.inv(cl.client_id, "unit", self.c.start - timedelta(days=30), None, unit="KH", task="home_care")
        future = date(2030, 6, 1)   # a Saturday: a device clock years ahead
        for n in range(2):
            self.intend(self.ev(nurse, "kotimobiili", datetime.combine(future, time(9, 5 + 7 * n, 12)),
                                cl.client_id, "read", "home_care", "käyntikirjaus", plant="future_timestamp"),
                        "log_clock_skew")

    def plant_reference_quality(self):
        b, c = self.b, self.c
        for unit, role in (("PS", "family_worker"), ("AIK", "social_counsellor")):
            s = b.new_staff(unit, "HVA", role, (), date(2025, 6, 1), date(2025, 3, 31))
            s.active = False
            self.p.key_objects.append(("dq_reversed_period", "staff", s))
        s = b.new_staff("KH", "HVA", "home_care_nurse", (), date(2019, 1, 1), None)
        s.active = False
        later = Staff(s.staff_id, s.full_name, s.personal_id, s.address, s.organisation_id, s.unit_id, s.role,
                      s.title, date(2024, 8, 1), None, active=False)
        c.extra_staff_rows.append(later)
        self.p.key_objects.append(("dq_overlapping_employment", "staff", later))
        s = b.new_staff("PS", "HVA", "perheohjaaja_vanha", (), date(2020, 1, 1), None)
        s.active = False
        self.p.key_objects.append(("dq_unknown_role", "staff", s))
        cl = self.fresh_client()
        row = self.inv(cl.client_id, "unit", self.c.start + timedelta(days=20), self.c.start + timedelta(days=2),
                       unit="LS-SO")
        self.p.key_objects.append(("dq_reversed_period", "involvement", row))
        a = Authorisation("P01", cl.client_id, "framework", "service", self.c.start + timedelta(days=30),
                          self.c.start + timedelta(days=10), service_task="placement")
        c.authorisations.append(a)
        self.p.key_objects.append(("dq_reversed_period", "provider_authorisations", a))
        p = Prohibition(cl.client_id, "controller", "KAUP", self.c.start + timedelta(days=9), self.c.start)
        c.prohibitions.append(p)
        self.p.key_objects.append(("dq_reversed_period", "disclosure_prohibitions", p))
        q = Permission(cl.client_id, "social_care", self.c.start + timedelta(days=9), self.c.start)
        c.permissions.append(q)
        self.p.key_objects.append(("dq_reversed_period", "disclosure_permissions", q))


def primary_source(s: Staff) -> str:
    return primary_sources(s)[0]
