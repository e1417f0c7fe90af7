"""Legitimate everyday access: each worker's day, client by client, in the systems of their unit.

Every background event is explained under docs/rules.md: the worker is employed, their role permits
the action on the service task, and they are involved with the client (or the role needs no
involvement). Caps keep every account far below the mass-access and mass-export thresholds, and
each account's timestamps are unique, so nothing looks like a duplicate.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from .model import County, Event, Involvement, Staff
from .rhythm import attendance, day_end, day_start

DOCUMENTS = {
    "child_welfare": ("asiakaskertomus", "lastensuojeluilmoitus", "asiakassuunnitelma", "päätös"),
    "family_social_work": ("asiakaskertomus", "palvelutarpeen arvio", "asiakassuunnitelma"),
    "adult_social_work": ("asiakaskertomus", "palvelutarpeen arvio", "päätös"),
    "home_care": ("hoitosuunnitelma", "käyntikirjaus", "lääkelista"),
    "placement": ("sijoitussuunnitelma", "asiakaskertomus", "valvontamuistio", "päätös"),
}
MAX_CLIENTS_PER_DAY = 14
MAX_PRINTS_PER_DAY = 3
MIN_PER_SOURCE = 30
LOGIN_SOURCES = ("pro_consona", "portal", "casem")


def primary_sources(s: Staff) -> list[str]:
    if s.role == "placement_coordinator":
        return ["lifecare", "pegasos"]
    if s.role == "supervision_officer":
        return ["casem", "casem", "pegasos"]
    if s.unit_id in ("LS-VA", "LS-SO", "KIRJ", "SOS"):
        return ["pro_consona"]
    if s.unit_id in ("PS", "AIK"):
        return ["effica"]
    if s.unit_id == "KH":
        return ["lifecare"]
    if s.unit_id == "SIJ":
        return ["pegasos"]
    if s.role == "provider_worker":
        return ["portal"]
    return []


def allowed_actions(county_perms: dict, role: str, task: str) -> set[str]:
    return {a for t, a, _r in county_perms.get(role, ()) if t in (task, "*")}


class Background:
    def __init__(self, county: County, seed: int, visits: float, holiday_days: set[date]):
        self.c = county
        self.seed = seed
        self.visits = visits
        self.holidays = holiday_days
        self.perms = defaultdict(list)
        for role, task, action, req in county.role_permissions:
            self.perms[role].append((task, action, req))
        special = {cl.client_id for cl in county.clients if cl.special}
        protected = {cl.client_id for cl in county.clients if cl.ever_protected}
        self.deceased = {cl.client_id: cl.deceased_on for cl in county.clients if cl.deceased_on}
        self.personal = defaultdict(list)
        self.unit_rows = defaultdict(list)
        self.all_rows: list[Involvement] = []
        for i in county.involvement:
            if i.client_id in special or (i.valid_to is not None and i.valid_to < i.valid_from):
                continue
            if i.staff_id and i.kind in ("responsible_worker", "work_pair"):
                self.personal[i.staff_id].append(i)
            elif i.unit_id and i.client_id not in protected:
                self.unit_rows[i.unit_id].append(i)
                self.all_rows.append(i)
        self.auth_rows = defaultdict(list)
        for a in county.authorisations:
            if a.phase == "service" and a.client_id not in special:
                self.auth_rows[a.organisation_id].append(a)
        self.workers = [s for s in county.staff if s.active and primary_sources(s)]
        self.auth_by_client = defaultdict(list)
        for a in county.authorisations:
            if a.phase == "service":
                self.auth_by_client[a.client_id].append(a)
        self.sij_rows = defaultdict(list)
        for i in self.unit_rows["SIJ"]:
            self.sij_rows[i.client_id].append(i)
        self._cache_day: date | None = None
        self._cache: dict = {}

    # -- which clients a worker may see today --------------------------------------------------
    def candidates(self, s: Staff, d: date) -> list[tuple[str, str]]:
        """(client, service task) pairs the worker is involved with / authorised for on d."""
        out = []
        if self._cache_day != d:
            self._cache_day, self._cache = d, {}
        if s.role == "provider_worker":
            key = ("auth", s.organisation_id)
            if key not in self._cache:
                self._cache[key] = [(a.client_id, a.service_task) for a in self.auth_rows[s.organisation_id]
                                    if a.covers(d)]
            out = self._cache[key]
        elif s.role == "registry_clerk":
            if "clerk" not in self._cache:
                rows = [i for i in self.all_rows if i.covers(d)]
                self._cache["clerk"] = [(i.client_id, i.service_task) for i in rows[:: max(1, len(rows) // 200)]]
            out = self._cache["clerk"]
        else:
            out = [(i.client_id, i.service_task) for i in self.personal[s.staff_id] if i.covers(d)]
            # a burst around a new case: the first days of a personal involvement weigh three times
            out += [(i.client_id, i.service_task) for i in self.personal[s.staff_id]
                    if i.covers(d) and 0 <= (d - i.valid_from).days < 5] * 2
            if s.unit_id in ("LS-VA", "SIJ", "KH", "SOS") or s.role == "manager" or not out:
                key = ("unit", s.unit_id)
                if key not in self._cache:
                    self._cache[key] = [(i.client_id, i.service_task) for i in self.unit_rows[s.unit_id]
                                        if i.covers(d)]
                out = out + self._cache[key]
        return [(cid, task) for cid, task in out if cid not in self.deceased or d <= self.deceased[cid]]

    def candidates_unit(self, unit: str, d: date) -> list[tuple[str, str]]:
        """Clients of a unit on d (unit-level rows, never protected or special), living on d."""
        return [(i.client_id, i.service_task) for i in self.unit_rows[unit] if i.covers(d)
                and (i.client_id not in self.deceased or d <= self.deceased[i.client_id])]

    # -- one day --------------------------------------------------------------------------------
    def day(self, d: date, reserved: set[str]) -> list[Event]:
        events: list[Event] = []
        for s in self.workers:
            if s.staff_id in reserved or not s.employed(d):
                continue
            rng = random.Random(f"bg:{self.seed}:{d.isoformat()}:{s.staff_id}")
            weekend_worker = (s.unit_id == "KH" or s.role == "provider_worker" and s.organisation_id == "P05"
                              or self.round_the_clock(s))
            if rng.random() >= attendance(d, self.holidays, weekend_worker):
                if s.unit_id == "LS-SO" and s.role == "social_worker" and rng.random() < 0.03:
                    events += self.on_call(s, d, rng)
                continue
            events += self.worker_day(s, d, rng, self.visits)
        return events

    def worker_day(self, s: Staff, d: date, rng: random.Random, mean_visits: float,
                   start: datetime | None = None, source: str | None = None,
                   stop: datetime | None = None) -> list[Event]:
        cands = self.candidates(s, d)
        if not cands:
            return []
        n = max(1, min(MAX_CLIENTS_PER_DAY, int(rng.gauss(mean_visits, mean_visits / 3) + 0.5)))
        if s.role == "supervision_officer":
            n = min(MAX_CLIENTS_PER_DAY, n + 2)
        t = start or day_start(rng, d)
        stop = stop or (day_end(d) if start is None else datetime.combine(d, time(17, 30)))
        if start is None and self.round_the_clock(s):
            # shifts of a unit open round the clock: night (from 00:30), morning (07:30) or evening (15:00)
            t = datetime.combine(d, rng.choice((time(0, 30), time(7, 30), time(15, 0)))) \
                + timedelta(minutes=rng.randint(0, 40))
            stop = min(t + timedelta(hours=7), datetime.combine(d, time(23, 50)))
        events: list[Event] = []
        sources = primary_sources(s)
        logged_in: set[str] = set()
        prints = 0
        for _ in range(n):
            src = source or rng.choice(sources)
            if src not in s.accounts:
                continue
            cid, task = rng.choice(cands)
            if src in LOGIN_SOURCES and src not in logged_in:
                logged_in.add(src)
                events.append(self.ev(s, src, t, None, "other", None, None, None))
                t += timedelta(seconds=rng.randint(20, 120))
            visit, t, printed = self.visit(s, src, cid, task, t, rng, prints < MAX_PRINTS_PER_DAY)
            prints += printed
            events += visit
            t += timedelta(minutes=rng.randint(4, 30))
            if time(11, 0) <= t.time() < time(11, 40):
                t += timedelta(minutes=30)
            if t > stop:
                break
        return events

    def round_the_clock(self, s: Staff) -> bool:
        return self.c.opening_hours.get(s.unit_id) == "24/7"

    def purpose_for(self, s: Staff, src: str) -> str:
        if s.role == "supervision_officer" and src == "casem":
            return "supervision"
        if s.role == "registry_clerk":
            return "other_task"
        return "client_relationship"

    def visit(self, s: Staff, src: str, cid: str, task: str, t: datetime, rng: random.Random, may_print: bool):
        allowed = allowed_actions(self.perms, s.role, task)
        docs = DOCUMENTS[task]
        out: list[Event] = []
        printed = 0
        purpose = self.purpose_for(s, src)

        def add(action, doc=None, **kw):
            nonlocal t
            out.append(self.ev(s, src, t, cid, action, task, doc, purpose, **kw))
            t += timedelta(seconds=rng.randint(25, 240))

        if s.role == "registry_clerk":
            add("search", criteria="hetu", count=1)
            return out, t, 0
        if src in ("pro_consona", "pegasos") and "search" in allowed and rng.random() < 0.03:
            # a search by name that found nobody: stored and counted, but no access to a client
            out.append(self.ev(s, src, t, None, "search", task, None, purpose, criteria="sukunimi", count=0))
            t += timedelta(seconds=rng.randint(25, 240))
        if "search" in allowed and rng.random() < 0.4:
            add("search", criteria="hetu", count=1)
        for _ in range(rng.randint(1, 3)):
            if "read" in allowed:
                add("read", rng.choice(docs))
        if s.role == "supervision_officer":
            involved = any(i.covers(t.date()) for i in self.sij_rows[cid])
            if not involved:
                allowed = allowed - {"create", "update"}
        if "update" in allowed and rng.random() < 0.25:
            add("update", rng.choice(docs))
        if "create" in allowed and rng.random() < 0.08:
            add("create", "asiakaskertomus" if "asiakaskertomus" in docs else docs[0])
        if may_print and "print" in allowed and rng.random() < 0.05:
            add("print", rng.choice(docs))
            printed = 1
        elif may_print and "export" in allowed and rng.random() < 0.01:
            add("export", rng.choice(docs))
            printed = 1
        if "disclose" in allowed and s.role != "supervision_officer" and rng.random() < 0.015:
            recipient, purpose_d = self.disclosure_recipient(cid, t.date())
            if recipient:
                out.append(self.ev(s, src, t, cid, "disclose", task, "asiakassuunnitelma", purpose_d,
                                   recipient=recipient))
                t += timedelta(seconds=rng.randint(25, 240))
        return out, t, printed

    def disclosure_recipient(self, cid: str, d: date) -> tuple[str | None, str]:
        """The county's own authorised provider, else KELA on a statutory right."""
        for a in self.auth_by_client[cid]:
            if a.covers(d):
                return a.organisation_id, "client_relationship"
        return "KELA", "statutory_right"

    def on_call(self, s: Staff, d: date, rng: random.Random) -> list[Event]:
        cands = [(i.client_id, i.service_task) for i in self.personal[s.staff_id] if i.covers(d)]
        if not cands:
            return []
        t = datetime.combine(d, time(21, 30)) + timedelta(minutes=rng.randint(0, 100))
        out = []
        for _ in range(rng.randint(1, 3)):
            cid, task = rng.choice(cands)
            out.append(self.ev(s, "pro_consona", t, cid, "read", task, rng.choice(DOCUMENTS[task]),
                               "client_relationship"))
            t += timedelta(minutes=rng.randint(2, 9))
        return [e for e in out if e.local.date() == d]

    def top_up(self, d: date, events: list[Event], reserved: set[str], skip_sources: set[str]) -> list[Event]:
        """Enough events in every source on every weekday (holidays too): a silent day is a finding."""
        if d.weekday() >= 5:
            return []
        counts = defaultdict(int)
        for e in events:
            counts[e.source_system] += 1
        extra: list[Event] = []
        for src in ("pro_consona", "effica", "portal", "lifecare", "casem", "pegasos"):
            if src in skip_sources:
                continue
            workers = [s for s in self.workers if src in primary_sources(s) and s.employed(d)
                       and s.staff_id not in reserved]
            k = 0
            while counts[src] < MIN_PER_SOURCE and k < 4 * len(workers):
                s = workers[k % len(workers)]
                rng = random.Random(f"topup:{self.seed}:{d}:{src}:{k}")
                start = datetime.combine(d, time(12, 0)) + timedelta(minutes=rng.randint(0, 200) + k)
                more = self.worker_day(s, d, rng, 2.0, start=start, source=src)
                extra += more
                counts[src] += len(more)
                k += 1
        return extra

    @staticmethod
    def ev(s: Staff, src: str, t: datetime, cid, action, task, doc, purpose, recipient=None, criteria=None,
           count=None) -> Event:
        return Event(
            source_system=src, local=t.replace(microsecond=0), account=s.accounts[src], client_id=cid,
            action=action, service_task=task, document=doc, purpose=purpose,
            organisation_id=s.organisation_id, recipient_organisation_id=recipient,
            session_id=f"{src[:3]}-{t.year:04d}{t.month:02d}{t.day:02d}-{s.staff_id}", search_criteria=criteria, record_count=count,
        )

