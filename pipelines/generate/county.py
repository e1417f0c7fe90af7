"""Build the county's reference data: organisations, units, roles, staff, clients, involvement.

Everything comes from one seeded random stream in a fixed order, so the same seed gives the same
county. Background events later only use what is built here; planted cases (plants.py) add to it.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

from ..access import DEMO_USERS
from .identity import IdentityPool
from .model import Authorisation, Client, County, Involvement, Permission, Prohibition, Staff
from .sizes import Size

HOME = "HVA"

ORGANISATIONS = [
    ("HVA", "Hämeenvaaran hyvinvointialue", "county"),
    ("KAUP", "Kivikosken kaupunki", "municipality"),
    ("KELA", "Kansaneläkelaitos", "state"),
    ("P01", "Satakieli Lastensuojelu Oy", "private_provider"),
    ("P02", "Kotikallion Perhekodit Oy", "private_provider"),
    ("P03", "Tuulensuoja Nuorisokoti Oy", "private_provider"),
    ("P04", "Majakka Sijaishuolto Oy", "private_provider"),
    ("P05", "Kultarinne Kotipalvelut Oy", "private_provider"),
]
FRAMEWORK = {"P01": "framework", "P02": "framework", "P03": "direct", "P04": "direct", "P05": "framework"}
SUPERVISED_PROVIDER = "P02"

# unit_id, organisation, name, service task, (source_system, ...)
UNITS = [
    ("LS-VA", "HVA", "Lastensuojelun vastaanotto", "child_welfare"),
    ("LS-SO", "HVA", "Lastensuojelun vastuusosiaalityö", "child_welfare"),
    ("PS", "HVA", "Perhesosiaalityö", "family_social_work"),
    ("SIJ", "HVA", "Sijaishuollon asiakasohjaus ja valvonta", "placement"),
    ("AIK", "HVA", "Aikuissosiaalityö", "adult_social_work"),
    ("KH", "HVA", "Kotihoito", "home_care"),
    ("KIRJ", "HVA", "Kirjaamo", "*"),
    ("TSV", "HVA", "Tietosuoja", "*"),
    ("P01-SH", "P01", "Satakieli, sijoitukset", "placement"),
    ("P02-PK", "P02", "Kotikallio, perhekodit", "placement"),
    ("P03-NK", "P03", "Tuulensuoja, nuorisokoti", "placement"),
    ("P04-SH", "P04", "Majakka, sijaishuolto", "placement"),
    ("P05-KH", "P05", "Kultarinne, kotipalvelu", "home_care"),
    ("SOS", "HVA", "Sosiaalipäivystys", "child_welfare"),
]
# units.csv `opening_hours` (optional; docs/formats.md): a unit open round the clock has no "out of hours"
OPENING_HOURS = {"SOS": "24/7"}

READ = ("read", "search")
WORK = ("read", "search", "create", "update", "print")
ROLE_PERMISSIONS: list[tuple[str, str, str, bool]] = []
for task in ("child_welfare", "family_social_work", "adult_social_work", "placement"):
    ROLE_PERMISSIONS += [("social_worker", task, a, True) for a in WORK + ("export", "disclose")]
for task in ("child_welfare", "family_social_work", "adult_social_work"):
    ROLE_PERMISSIONS += [("social_counsellor", task, a, True) for a in WORK]
ROLE_PERMISSIONS += [("family_worker", "family_social_work", a, True) for a in WORK]
ROLE_PERMISSIONS += [("home_care_nurse", "home_care", a, True) for a in ("read", "search", "create", "update")]
for task in ("placement", "child_welfare"):
    ROLE_PERMISSIONS += [("placement_coordinator", task, a, True) for a in WORK + ("export", "disclose")]
ROLE_PERMISSIONS += [("supervision_officer", "*", a, False) for a in ("read", "search", "export", "print", "disclose")]
ROLE_PERMISSIONS += [("supervision_officer", "placement", a, True) for a in ("create", "update")]
ROLE_PERMISSIONS += [("registry_clerk", "*", "search", False)]
for task in ("placement", "home_care"):
    ROLE_PERMISSIONS += [("provider_worker", task, a, True) for a in ("read", "search", "create", "print", "export")]
ROLE_PERMISSIONS += [("manager", "*", a, True) for a in ("read", "search", "print", "export")]
for role in ("data_protection_officer", "request_handler"):
    ROLE_PERMISSIONS += [(role, "*", a, False) for a in ("read", "search", "export", "print", "disclose")]

TITLES = {
    "social_worker": "sosiaalityöntekijä", "social_counsellor": "sosiaaliohjaaja", "family_worker": "perhetyöntekijä",
    "home_care_nurse": "lähihoitaja", "placement_coordinator": "sijoituskoordinaattori",
    "supervision_officer": "valvontakoordinaattori", "registry_clerk": "kirjaamosihteeri",
    "provider_worker": "ohjaaja", "manager": "johtava sosiaalityöntekijä",
    "data_protection_officer": "tietosuojavastaava", "request_handler": "tietopyyntökäsittelijä",
}

# unit -> [(role, head count at scale 1, sources)]
HEADCOUNT = {
    "LS-VA": [("social_worker", 6, ("pro_consona", "effica")), ("social_counsellor", 3, ("pro_consona", "effica"))],
    "LS-SO": [("social_worker", 10, ("pro_consona", "effica")), ("social_counsellor", 6, ("pro_consona", "effica")),
              ("manager", 1, ("pro_consona",))],
    "PS": [("social_worker", 5, ("effica", "pro_consona")), ("family_worker", 8, ("effica",)), ("manager", 1, ("effica",))],
    "SIJ": [("placement_coordinator", 6, ("lifecare", "pegasos")), ("supervision_officer", 5, ("casem", "pegasos")),
            ("manager", 1, ("pegasos",))],
    "AIK": [("social_worker", 8, ("effica", "pro_consona")), ("social_counsellor", 4, ("effica",)),
            ("manager", 1, ("effica",))],
    "KH": [("home_care_nurse", 13, ("lifecare",)), ("manager", 1, ("lifecare",))],
    "KIRJ": [("registry_clerk", 3, ("pro_consona", "effica"))],
    "P01-SH": [("provider_worker", 4, ("portal",))],
    "P02-PK": [("provider_worker", 4, ("portal",))],
    "P03-NK": [("provider_worker", 3, ("portal",))],
    "P04-SH": [("provider_worker", 3, ("portal",))],
    "P05-KH": [("provider_worker", 5, ("portal",))],
    "SOS": [("social_worker", 5, ("pro_consona",))],
}
FIXED_ONE = {"manager"}
AUDITORS = [("TSV", "data_protection_officer"), ("KIRJ", "request_handler")]
# The dashboard role of each staff role that uses Lokivahti itself: its demo user (pipelines/access.py) is an
# account of source `lokivahti` on that staff member, so the demo users are tied to staff records.
DASHBOARD_ROLES = {"data_protection_officer": "dpo", "supervision_officer": "supervision",
                   "request_handler": "request_handler"}


def dashboard_account(staff_role: str) -> str:
    """The demo dashboard user of a staff role (the `lokivahti` account in accounts.csv)."""
    return next(name for name, role in DEMO_USERS.items() if role == DASHBOARD_ROLES[staff_role])


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def day_add(d: date, n: int) -> date:
    return d + timedelta(days=n)


class CountyBuilder:
    def __init__(self, size: Size, seed: int):
        self.size = size
        self.rng = random.Random(f"county:{seed}")
        self.ids = IdentityPool(random.Random(f"identity:{seed}"))
        self.county = County(start=size.start, end=size.end)
        self.county.organisations = list(ORGANISATIONS)
        self.county.units = [(u, o, n, t) for u, o, n, t in UNITS]
        self.county.opening_hours = dict(OPENING_HOURS)
        self.county.role_permissions = list(ROLE_PERMISSIONS)
        self._staff_no = 0
        self._bases: set[str] = set()

    # -- staff --------------------------------------------------------------------------------
    def new_staff(self, unit: str, org: str, role: str, sources, valid_from: date, valid_to: date | None,
                  surname: str | None = None) -> Staff:
        self._staff_no += 1
        sid = f"S{self._staff_no:05d}"
        birth = self.ids.birth_between(1962, 1999)
        name = self.ids.name(surname)
        s = Staff(sid, name, self.ids.code(birth), self.ids.address(), org, unit, role, TITLES.get(role, role),
                  valid_from, valid_to)
        first, last = name.split(" ", 1)
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        if base in self._bases:
            base = f"{base}{self._staff_no}"
        self._bases.add(base)
        for src in sources:
            s.accounts[src] = account_name(src, base, self._staff_no, org)
        self.county.staff.append(s)
        return s

    def build_staff(self):
        c, size, rng = self.county, self.size, self.rng
        span = (size.end - size.start).days
        for unit, org, _name, _task in UNITS:
            for role, count, sources in HEADCOUNT.get(unit, []):
                n = 1 if role in FIXED_ONE else max(1, round(count * size.staff_scale))
                for k in range(n):
                    since = day_add(size.start, -rng.randint(200, 4000))
                    s = self.new_staff(unit, org, role, sources, since, None)
                    # leavers (and a joiner taking their place) among bigger teams
                    if n >= 4 and k < max(1, n // 8) and role != "manager":
                        left = day_add(size.start, rng.randint(span // 5, span - span // 5))
                        s.valid_to = left
                        self.new_staff(unit, org, role, sources, day_add(left, rng.randint(1, 20)), None)
        for unit, role in AUDITORS:
            s = self.new_staff(unit, "HVA", role, (), day_add(size.start, -900), None)
            s.accounts["lokivahti"] = dashboard_account(role)
            s.active = False
        officer = next(s for s in c.staff if s.role == "supervision_officer" and s.valid_to is None)
        officer.accounts["lokivahti"] = dashboard_account(officer.role)

    def pool(self, unit: str, role: str) -> list[Staff]:
        return [s for s in self.county.staff if s.unit_id == unit and s.role == role and s.active]

    # -- clients ------------------------------------------------------------------------------
    def new_client(self, first_year: int, last_year: int, address: str | None = None,
                   surname: str | None = None) -> Client:
        birth = self.ids.birth_between(first_year, last_year)
        cl = Client(self.ids.code(birth), self.ids.name(surname), birth, address or self.ids.address())
        age = (self.size.end - birth).days // 365
        if 12 <= age < 18:
            cl.minor_capacity = self.rng.choice(("not_capable", "allows_guardians", "allows_guardians",
                                                 "prohibits_guardians"))
        if self.rng.random() < 0.02:
            cl.security_prohibition = True
        self.county.clients.append(cl)
        return cl

    def service_window(self) -> tuple[date, date | None]:
        size, rng = self.size, self.rng
        span = (size.end - size.start).days
        if rng.random() < 0.3:
            a = day_add(size.start, rng.randint(0, max(1, span - 20)))
        else:
            a = day_add(size.start, -rng.randint(30, 700))
        b = None
        if rng.random() < 0.2:
            b = day_add(size.start, rng.randint(10, span))
            if b < a:
                b = day_add(a, 20)
        return a, b

    def chain(self, client: str, kind: str, staff_pool: list[Staff], a: date, b: date | None, task: str):
        """Personal involvement rows over [a, b]: a new worker when one leaves, now and then a change."""
        rng, end = self.rng, self.size.end
        current = a
        stop = b or date(9999, 12, 31)
        while current <= stop and current <= end:
            candidates = [s for s in staff_pool if s.employed(current)]
            if not candidates:
                return
            w = rng.choice(candidates)
            row_end = min(stop, w.valid_to or date(9999, 12, 31))
            if rng.random() < 0.08:
                change = day_add(self.size.start, rng.randint(5, (end - self.size.start).days))
                if current < change < row_end:
                    row_end = change
            self.county.involvement.append(Involvement(
                client, w.staff_id, None, kind, current, None if row_end.year == 9999 else row_end, task))
            if row_end.year == 9999:
                return
            current = day_add(row_end, 1)

    def unit_row(self, client: str, unit: str, kind: str, a: date, b: date | None, task: str):
        self.county.involvement.append(Involvement(client, None, unit, kind, a, b, task))

    def build_clients(self):
        size, rng, c = self.size, self.rng, self.county
        n = lambda base: max(10, round(base * size.client_scale))
        span = (size.end - size.start).days
        # child welfare (intake -> responsible social work -> sometimes placement)
        for _ in range(n(420)):
            cl = self.new_client(2008, 2024)
            a, b = self.service_window()
            intake_end = day_add(a, 29)
            self.unit_row(cl.client_id, "LS-VA", "unit", a, min(intake_end, b) if b else intake_end, "child_welfare")
            # the round-the-clock emergency unit sees the same intake clients (evenings, nights, weekends)
            self.unit_row(cl.client_id, "SOS", "unit", a, min(intake_end, b) if b else intake_end, "child_welfare")
            if (b and b <= intake_end) or rng.random() < 0.25:
                continue
            so = day_add(intake_end, 1)
            self.unit_row(cl.client_id, "LS-SO", "unit", so, b, "child_welfare")
            self.chain(cl.client_id, "responsible_worker", self.pool("LS-SO", "social_worker"), so, b, "child_welfare")
            self.chain(cl.client_id, "work_pair", self.pool("LS-SO", "social_counsellor"), so, b, "child_welfare")
            if rng.random() < 0.3:
                self.placement(cl, max(day_add(so, 10), day_add(size.start, -150)), b)
        # family social work
        for _ in range(n(300)):
            cl = self.new_client(1975, 2022)
            a, b = self.service_window()
            self.unit_row(cl.client_id, "PS", "unit", a, b, "family_social_work")
            self.chain(cl.client_id, "responsible_worker", self.pool("PS", "social_worker"), a, b, "family_social_work")
            self.chain(cl.client_id, "work_pair", self.pool("PS", "family_worker"), a, b, "family_social_work")
        # adult social work
        for _ in range(n(300)):
            cl = self.new_client(1950, 2006)
            a, b = self.service_window()
            self.unit_row(cl.client_id, "AIK", "unit", a, b, "adult_social_work")
            self.chain(cl.client_id, "responsible_worker", self.pool("AIK", "social_worker"), a, b, "adult_social_work")
            if rng.random() < 0.4:
                self.chain(cl.client_id, "work_pair", self.pool("AIK", "social_counsellor"), a, b, "adult_social_work")
        # home care (unit-level involvement; some bought from the home-care provider)
        for _ in range(n(400)):
            cl = self.new_client(1928, 1958)
            a, b = self.service_window()
            if rng.random() < 0.04:
                died = day_add(size.start, rng.randint(5, span - 5))
                cl.deceased_on = died
                b = died if (b is None or b > died) else b
                if a > b:
                    a = day_add(b, -60)
            self.unit_row(cl.client_id, "KH", "unit", a, b, "home_care")
            if rng.random() < 0.25:
                c.authorisations.append(Authorisation("P05", cl.client_id, "framework", "service", a, b,
                                                      service_task="home_care"))
        # prohibitions and permissions
        for cl in c.clients:
            r = rng.random()
            if r < 0.02:
                scope, target = rng.choice((("controller", "KAUP"), ("service_task", "adult_social_work"),
                                            ("document", "päätös")))
                c.prohibitions.append(Prohibition(cl.client_id, scope, target, day_add(size.start, -rng.randint(1, 300)),
                                                  None))
            elif r < 0.12:
                c.permissions.append(Permission(cl.client_id, "social_care", day_add(size.start, -rng.randint(1, 500)),
                                                None))

    def placement(self, cl: Client, p: date, b: date | None):
        rng, size, c = self.rng, self.size, self.county
        if p > size.end or (b is not None and p > b):
            return
        self.unit_row(cl.client_id, "SIJ", "referral", day_add(p, -14), b, "placement")
        provider = rng.choice(("P01", "P01", "P02", "P02", "P03", "P04"))
        agreement = FRAMEWORK[provider]
        end = b
        if end is None and rng.random() < 0.15:
            end = day_add(size.start, rng.randint(10, (size.end - size.start).days))
            if end < p:
                end = day_add(p, 30)
        if agreement == "direct":
            c.authorisations.append(Authorisation(provider, cl.client_id, "direct", "tender", day_add(p, -21),
                                                  day_add(p, -1), service_task="placement"))
        c.authorisations.append(Authorisation(provider, cl.client_id, agreement, "service", p, end,
                                              service_task="placement"))
        if rng.random() < 0.12:
            cl.placement_secret = True
            cl.placement_secret_until = day_add(size.start, rng.randint(0, 200))
        if provider == SUPERVISED_PROVIDER:
            sup_from = day_add(size.start, 10)
            self.unit_row(cl.client_id, "SIJ", "supervision_case", sup_from, day_add(sup_from, 60), "placement")

    def build(self) -> County:
        self.build_staff()
        self.build_clients()
        return self.county


def account_name(source: str, base: str, number: int, org: str) -> str:
    if source == "pro_consona":
        return base
    if source == "effica":
        return f"EF{number:05d}"
    if source == "lifecare":
        return f"lc-{number:05d}"
    if source == "casem":
        return f"HVA\\{base}"
    if source == "pegasos":
        return f"peg{number:05d}"
    if source == "portal":
        return f"{base}@{org.lower()}.example.fi"
    return f"{source}-{number:05d}"
