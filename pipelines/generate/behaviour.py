"""Plants that need the everyday workload to exist first: mass access and mass export around their
thresholds, and the behavioural anomalies (user-days no rule flags, for the anomaly model).

Each uses a whole reserved staff-day, so the thresholds are reached (or just missed) exactly as planned.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from .background import DOCUMENTS, Background, primary_sources
from .model import Staff
from .plants import Planter


def _unit_clients(bg: Background, unit: str, d: date, task: str | None = None) -> list[tuple[str, str]]:
    seen, out = set(), []
    for cid, t in bg.candidates_unit(unit, d):
        if cid not in seen and (task is None or t == task):
            seen.add(cid)
            out.append((cid, t))
    return out


def _spaced(d: date, hour: int, minute: int, n: int, total_minutes: float, rng: random.Random) -> list[datetime]:
    """n strictly increasing times starting at hour:minute, spread over about total_minutes."""
    t = datetime.combine(d, time(hour, minute))
    step = total_minutes * 60 / max(1, n)
    out = []
    for _ in range(n):
        out.append(t)
        t += timedelta(seconds=max(1, int(step * rng.uniform(0.6, 1.4))))
    return out


class Behaviour:
    def __init__(self, planter: Planter, bg: Background):
        self.pl = planter
        self.bg = bg
        self.rng = random.Random(f"behaviour:{planter.rng.random()}")
        # a few Wednesdays without whole-day plants, where the log-completeness plants can silence a source
        wednesdays = [d for d in planter.workdays if d.weekday() == 2 and d not in bg.holidays]
        self.keep_free = set(self.rng.sample(wednesdays, min(3, len(wednesdays))))

    def free_day(self, s: Staff, weekday=True) -> date:
        for _ in range(500):
            d = self.rng.choice(self.pl.workdays)
            if (s.staff_id, d) not in self.pl.used_days and s.employed(d) and d not in self.keep_free:
                return d
        raise RuntimeError("no free day")

    def unit_day(self, s: Staff, src: str, d: date, how_many: tuple[int, int], hour: int, latest_minute: int,
                 minutes: float, plant: str):
        """A reserved day of reading many of the unit's clients (a random `how_many` of them), starting at
        hour:00–hour:latest_minute and spread over about `minutes`."""
        clients = _unit_clients(self.bg, s.unit_id, d)
        self.rng.shuffle(clients)
        clients = clients[:self.rng.randint(*how_many)]
        self.pl.reserve(s, d, quiet=True)
        times = _spaced(d, hour, self.rng.randint(0, latest_minute), len(clients), minutes, self.rng)
        return self.browse(s, src, d, clients, times, plant)

    def browse(self, s: Staff, src: str, d: date, clients, times, plant: str, action="read", purpose=None):
        out = []
        for (cid, task), t in zip(clients, times):
            doc = self.rng.choice(DOCUMENTS[task])
            out.append(self.pl.ev(s, src, t, cid, action, task, doc, plant=plant,
                                  purpose=purpose or self.bg.purpose_for(s, src)))
        return out

    # -- mass export / mass access -------------------------------------------------------------------
    def mass(self, cases: int):
        pl, cfg = self.pl, self.pl.thresholds
        nurses = pl.staff("KH", "home_care_nurse")
        export_n, access_n = cfg["mass_export_distinct_clients"], cfg["mass_access_distinct_clients"]
        plans = [("KH", "manager", "lifecare", "export", export_n + 2, "mass_export", "mass_export"),
                 ("AIK", "manager", "effica", "print", export_n - 1, "mass_export", None),
                 ("PS", "manager", "effica", "print", export_n, "mass_export", "mass_export")]
        for unit, role, src, action, n, rule, intended in plans:
            s = pl.staff(unit, role)[0]
            d = self.free_day(s)
            clients = _unit_clients(self.bg, unit, d)
            self.rng.shuffle(clients)
            clients = clients[:n]
            if len(clients) < n:
                continue
            pl.reserve(s, d, quiet=True)
            evs = self.browse(s, src, d, clients, _spaced(d, 9, 5, n, 150, self.rng), "bulk_print_export",
                              action=action)
            for e in evs:
                (pl.intend if intended else pl.near)(e, rule)
        for k in range(max(1, cases // 2)):
            for n, intended in ((access_n + 2, True), (access_n - 1, False)):
                s = self.rng.choice(nurses)
                d = self.free_day(s)
                clients = _unit_clients(self.bg, "KH", d)
                self.rng.shuffle(clients)
                clients = clients[:n]
                if len(clients) < n:
                    continue
                pl.reserve(s, d, quiet=True)
                evs = self.browse(s, "lifecare", d, clients, _spaced(d, 13, 0, n, 50, self.rng),
                                  "mass_browsing" if intended else "browsing_below_threshold")
                for e in evs:
                    (pl.intend if intended else pl.near)(e, "mass_access")

    # -- behavioural anomalies ----------------------------------------------------------------------
    def anomalies(self, days_each: int, staff_each: int):
        """Five scenarios, each spread over up to `staff_each` staff members for `days_each` days each.

        Every event is explained under docs/rules.md (the oracle checks it): the unusual part is the amount,
        the hour, the day of the week or the kind of client, never a broken rule. Each anomalous staff-day is
        reserved and quiet, so the planted events are that person's whole day.
        """
        pl = self.pl
        out_events = []
        taken: set[str] = set()   # one scenario per staff member

        def record(s, d, scenario, evs):
            pl.p.anomalies.append((s.staff_id, d, scenario))
            pl.p.anomaly_events.extend(evs)
            out_events.extend(evs)

        def choose(pool, k):
            pool = [s for s in pool if s.staff_id not in taken]
            chosen = self.rng.sample(pool, min(k, len(pool)))
            taken.update(s.staff_id for s in chosen)
            return chosen

        def living(pairs, d):
            return [(c, t) for c, t in pairs if c not in self.bg.deceased or d <= self.bg.deceased[c]]

        def personal(s, d):
            pairs = dict.fromkeys((i.client_id, i.service_task) for i in self.bg.personal[s.staff_id] if i.covers(d))
            return living(list(pairs), d)

        # 1. a counsellor or family worker browsing, in one day, far more of the unit's clients than peers
        #    (unit involvement explains every access; spread over the whole working day, below mass access)
        pool = (pl.staff("LS-SO", "social_counsellor") + pl.staff("PS", "family_worker")
                + pl.staff("AIK", "social_counsellor"))
        for s in choose(pool, staff_each):
            src = primary_sources(s)[0]
            for _ in range(days_each):
                d = self.free_day(s)
                record(s, d, "day_browsing_unit_clients",
                       self.unit_day(s, src, d, (26, 32), 8, 40, 450, "anomaly_day_browsing"))
        # 2. a leaver's account used in the evenings of the last weeks before the end date (by a colleague):
        #    the leaver's own clients and the unit's, all explained, but after hours and more of them
        leavers = [x for x in pl.c.staff if x.active and x.valid_to and x.unit_id in ("LS-SO", "PS", "AIK")
                   and x.role in ("social_worker", "social_counsellor", "family_worker")
                   and x.valid_from < pl.c.start and x.valid_to > pl.c.start + timedelta(days=2 * days_each + 10)]
        # leavers whose account the employment plants do not already use after the end date come first
        fresh = [x for x in leavers if (x.staff_id, x.valid_to) not in pl.used_days]
        chosen = choose(fresh, staff_each)
        chosen += choose([x for x in leavers if (x.staff_id, x.valid_to) in pl.used_days], staff_each - len(chosen))
        for s in chosen:
            src = primary_sources(s)[0]
            planted = 0
            for k in range(3 * days_each):
                d = s.valid_to - timedelta(days=2 + k + self.rng.randint(0, 1))
                if planted >= days_each or d < pl.c.start + timedelta(days=1):
                    break
                if (s.staff_id, d) in pl.used_days:
                    continue
                own = personal(s, d)
                self.rng.shuffle(own)
                unit = [c for c in _unit_clients(self.bg, s.unit_id, d) if c not in own]
                self.rng.shuffle(unit)
                n = self.rng.randint(9, 13)
                clients = own[:n // 2] + unit[:n - min(len(own), n // 2)]
                if len(clients) < 6:
                    continue
                pl.reserve(s, d, quiet=True)
                start = self.rng.choice((19, 20))
                record(s, d, "leaver_account_used_after_hours",
                       self.browse(s, src, d, clients,
                                   _spaced(d, start, self.rng.randint(0, 50), len(clients), 100, self.rng),
                                   "anomaly_leaver_account"))
                planted += 1
        # 3. a provider worker reading far more authorised records than peers (every one authorised)
        pool = pl.staff("P05-KH", "provider_worker") + pl.staff("P01-SH", "provider_worker") \
            + pl.staff("P02-PK", "provider_worker")
        for s in choose(pool, staff_each):
            for _ in range(days_each):
                for _attempt in range(20):
                    d = self.free_day(s)
                    clients = sorted({(a.client_id, a.service_task) for a in self.bg.auth_rows[s.organisation_id]
                                      if a.covers(d)})
                    if len(clients) >= 14:
                        break
                else:
                    continue
                self.rng.shuffle(clients)
                clients = clients[:self.rng.randint(22, 30)]
                pl.reserve(s, d, quiet=True)
                record(s, d, "provider_reads_many_authorised",
                       self.browse(s, "portal", d, clients, _spaced(d, 9, self.rng.randint(0, 30), len(clients), 400,
                                                                   self.rng), "anomaly_provider_heavy_reader"))
        # 4. late-evening reading of protected clients by their own worker (personal involvement)
        pool = pl.staff("LS-SO", "social_counsellor") + pl.staff("LS-SO", "social_worker")
        for s in choose(pool, staff_each):
            kind = "work_pair" if s.role == "social_counsellor" else "responsible_worker"
            protected = []
            for k in range(4):
                cl = pl.fresh_client(security_prohibition=(k % 2 == 0), placement_secret=(k % 2 == 1))
                pl.inv(cl.client_id, kind, pl.c.start - timedelta(days=40), None, staff=s)
                pl.inv(cl.client_id, "unit", pl.c.start - timedelta(days=40), None, unit="LS-SO")
                protected.append((cl.client_id, "child_welfare"))
            for _ in range(days_each):
                d = self.free_day(s)
                pl.reserve(s, d, quiet=True)
                clients = protected[:self.rng.randint(3, 4)] + personal(s, d)[:self.rng.randint(2, 3)]
                record(s, d, "protected_clients_late_evening",
                       self.browse(s, "pro_consona", d, clients,
                                   _spaced(d, 21, self.rng.randint(40, 59), len(clients), 80, self.rng),
                                   "anomaly_protected_evening"))
        # 5. a manager reading many of the unit's clients on a Saturday or Sunday (home care works weekends)
        pool = [s for s in pl.staff(None, "manager") if s.unit_id != "KH" and primary_sources(s)]
        weekend = [pl.c.start + timedelta(days=k) for k in range(3, (pl.c.end - pl.c.start).days - 2)
                   if (pl.c.start + timedelta(days=k)).weekday() >= 5]
        for s in choose(pool, staff_each):
            src = primary_sources(s)[0]
            days = [d for d in weekend if (s.staff_id, d) not in pl.used_days]
            for d in sorted(self.rng.sample(days, min(len(days), days_each))):
                record(s, d, "manager_weekend_reading",
                       self.unit_day(s, src, d, (20, 26), 10, 45, 200, "anomaly_weekend_manager"))
        self.slow_snooping(choose, record, staff_each)
        self.protected_in_office_hours(choose, record, staff_each, days_each)
        return out_events

    # -- snooping that no single day shows ---------------------------------------------------------------
    def _normal_day(self, s: Staff, d: date, cap: int, plant: str) -> list:
        """The worker's ordinary day (their own caseload, office hours), at most `cap` distinct clients."""
        r = random.Random(f"normal:{self.rng.random()}")
        evs = self.bg.worker_day(s, d, r, self.bg.visits)
        kept: list[str] = []
        for e in evs:
            if e.client_id is not None and e.client_id not in kept and len(kept) < cap:
                kept.append(e.client_id)
        evs = [e for e in evs if e.client_id is None or e.client_id in kept]
        for e in evs:
            e.plant = plant
        self.pl.p.events.extend(evs)
        return evs

    def _office_times(self, d: date, n: int) -> list[datetime]:
        return sorted(datetime.combine(d, time(9, 0)) + timedelta(seconds=self.rng.randint(0, 6 * 3600 + 1800))
                      for _ in range(n))

    def slow_snooping(self, choose, record, staff_each: int):
        """Three to four weeks of a few extra clients a day: the unit's clients (unit involvement explains each
        access, so no rule fires) whom the worker has no personal involvement with, while the day's distinct
        clients stay below what a busy peer opens (about the peers' 90th percentile). The first snooper starts in
        the first week of the data, before any long history exists."""
        pl, bg = self.pl, self.bg
        pool = (pl.staff("LS-SO", "social_worker") + pl.staff("LS-SO", "social_counsellor")
                + pl.staff("PS", "family_worker") + pl.staff("AIK", "social_worker"))
        protected = {c.client_id for c in pl.c.clients if c.ever_protected or c.special}
        # a day's distinct clients: gauss(visits, visits / 3) rounded, so its 90th percentile is about 1.4 visits
        cap = max(3, int(1.4 * bg.visits))
        workdays = [d for d in pl.workdays if d not in bg.holidays and d not in self.keep_free]
        for n, s in enumerate(choose(pool, staff_each)):
            first = 0 if n == 0 else self.rng.randint(0, max(0, len(workdays) - 25))
            run = [d for d in workdays[first:first + self.rng.randint(15, 20)]
                   if (s.staff_id, d) not in pl.used_days and s.employed(d)]
            for d in run:
                extra = self.rng.randint(1, 2) if cap <= 4 else self.rng.randint(2, 3)
                pl.reserve(s, d, quiet=True)
                own = self._normal_day(s, d, cap - extra, "anomaly_slow_snooping")
                seen = {e.client_id for e in own}
                mine = {i.client_id for i in bg.personal[s.staff_id] if i.covers(d)}
                others = [c for c in _unit_clients(bg, s.unit_id, d)
                          if c[0] not in mine and c[0] not in seen and c[0] not in protected]
                self.rng.shuffle(others)
                src = primary_sources(s)[0]
                evs = self.browse(s, src, d, others[:extra], self._office_times(d, extra), "anomaly_slow_snooping")
                record(s, d, "slow_snooping", own + evs)

    def protected_in_office_hours(self, choose, record, staff_each: int, days_each: int):
        """A worker's ordinary office-hours day with one or two protected clients of another unit opened, with
        no involvement: the `protected_client` rule's case, which the model must see by day too. (Protected
        clients of the worker's own unit are explained work: docs/rules.md §Shared definitions.)"""
        pl = self.pl
        pool = (pl.staff("AIK", "social_counsellor") + pl.staff("PS", "family_worker")
                + pl.staff("LS-SO", "social_counsellor"))
        task = {"AIK": "adult_social_work", "PS": "family_social_work", "LS-SO": "child_welfare"}
        for s in choose(pool, staff_each):
            for _ in range(max(1, days_each // 2)):
                d = self.free_day(s)
                if d in self.bg.holidays:
                    continue
                pl.reserve(s, d, quiet=True)
                own = self._normal_day(s, d, 6, "protected_office_hours")
                evs = []
                for t in self._office_times(d, self.rng.randint(1, 2)):
                    cl = pl.fresh_client(security_prohibition=True)
                    other = {"AIK": "PS", "PS": "AIK", "LS-SO": "PS"}[s.unit_id]
                    pl.inv(cl.client_id, "unit", d - timedelta(days=60), None, unit=other, task=task[other])
                    e = pl.ev(s, primary_sources(s)[0], t, cl.client_id, "read", task[s.unit_id],
                              plant="protected_office_hours")
                    pl.intend(e, "protected_client")
                    evs.append(e)
                record(s, d, "protected_office_hours_uninvolved", own + evs)

    # -- legitimate days the model must leave alone ------------------------------------------------------
    def legitimate(self, cases: int, days_each: int):
        """Heavy or unusual days that are ordinary work, labelled in labels/legitimate_days.csv: a worker covering
        an absent colleague's caseload, a whole unit working a public holiday as a normal day, a whole unit's
        evening shift, and the night shifts of the round-the-clock unit."""
        pl, bg = self.pl, self.bg
        legit = pl.p.legitimate
        protected = {c.client_id for c in pl.c.clients if c.ever_protected or c.special}
        workdays = [d for d in pl.workdays if d not in bg.holidays and d not in self.keep_free]
        # covering: X is away for three to five days; Y, same unit and role, opens X's clients beside their own
        for unit in ("LS-SO", "PS"):
            workers = pl.staff(unit, "social_worker")
            for _ in range(max(1, cases // 2)):
                x, y = self.rng.sample(workers, 2)
                start = self.rng.randrange(0, len(workdays) - 6)
                for d in workdays[start:start + self.rng.randint(3, 5)]:
                    if (x.staff_id, d) in pl.used_days or (y.staff_id, d) in pl.used_days:
                        continue
                    theirs = sorted({(i.client_id, i.service_task) for i in bg.personal[x.staff_id]
                                     if i.covers(d) and i.client_id not in protected})
                    theirs = [c for c in theirs if c[0] not in bg.deceased or d <= bg.deceased[c[0]]]
                    self.rng.shuffle(theirs)
                    theirs = theirs[:self.rng.randint(8, 12)]
                    if len(theirs) < 6:
                        continue
                    pl.reserve(x, d, quiet=True)   # away: no events at all
                    pl.reserve(y, d, quiet=True)
                    self._normal_day(y, d, 6, "legitimate_covering")
                    self.browse(y, primary_sources(y)[0], d, theirs, self._office_times(d, len(theirs)),
                                "legitimate_covering")
                    legit.append((y.staff_id, d, "covering_colleague"))
        # a public holiday worked as a normal day by a whole unit, and a whole unit's evening shift
        holidays = sorted(h for h in bg.holidays if h.weekday() < 5 and pl.c.start + timedelta(days=7) <= h
                          <= pl.c.end - timedelta(days=3))
        plans = [("AIK", self.rng.choice(holidays), "whole_unit_holiday", None)] if holidays else []
        plans.append(("PS", self.rng.choice(workdays[10:]), "whole_unit_evening", time(13, 0)))
        for unit, d, kind, start in plans:
            for s in pl.staff(unit, steady=False):
                if not s.employed(d) or (s.staff_id, d) in pl.used_days or not primary_sources(s):
                    continue
                r = random.Random(f"unit-day:{self.rng.random()}")
                begin = None if start is None else datetime.combine(d, start) + timedelta(minutes=r.randint(0, 60))
                evs = bg.worker_day(s, d, r, bg.visits, start=begin,
                                    stop=None if start is None else datetime.combine(d, time(20, 30)))
                if not evs:
                    continue
                pl.reserve(s, d, quiet=True)
                for e in evs:
                    e.plant = "legitimate_" + kind
                pl.p.events.extend(evs)
                legit.append((s.staff_id, d, kind))
        # night shifts of the unit open round the clock (its evenings and nights are its working hours)
        for s in pl.staff("SOS"):
            for _ in range(days_each):
                d = self.free_day(s)
                r = random.Random(f"night:{self.rng.random()}")
                evs = bg.worker_day(s, d, r, bg.visits, start=datetime.combine(d, time(0, 20 + r.randint(0, 30))),
                                    stop=datetime.combine(d, time(7, 0)))
                if not evs:
                    continue
                pl.reserve(s, d, quiet=True)
                for e in evs:
                    e.plant = "legitimate_night_shift"
                pl.p.events.extend(evs)
                legit.append((s.staff_id, d, "night_shift_round_the_clock"))
