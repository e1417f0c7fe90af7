"""Plants that need the everyday workload to exist first: mass access and mass export around their
thresholds, and the behavioural anomalies (user-days no rule flags, for the anomaly model).

Each uses a whole reserved staff-day, so the thresholds are reached (or just missed) exactly as planned.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from .background import DOCUMENTS, Background
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

    def free_day(self, s: Staff, weekday=True) -> date:
        for _ in range(500):
            d = self.rng.choice(self.pl.workdays)
            if (s.staff_id, d) not in self.pl.used_days and s.employed(d):
                return d
        raise RuntimeError("no free day")

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
    def anomalies(self, days_each: int):
        pl = self.pl
        out_events = []

        def record(s, d, scenario, evs):
            pl.p.anomalies.append((s.staff_id, d, scenario))
            pl.p.anomaly_events.extend(evs)
            out_events.extend(evs)

        # 1. a worker slowly browsing far more of the unit's clients than peers (all unit involvement)
        s = self.rng.choice(pl.staff("LS-SO", "social_counsellor"))
        for _ in range(days_each + 1):
            d = self.free_day(s)
            clients = [(c, t) for c, t in _unit_clients(self.bg, "LS-SO", d)]
            self.rng.shuffle(clients)
            clients = clients[:30]
            pl.reserve(s, d, quiet=True)
            record(s, d, "slow_browsing_unit_clients",
                   self.browse(s, "pro_consona", d, clients, _spaced(d, 8, 10, len(clients), 470, self.rng),
                               "anomaly_slow_browsing"))
        # 2. a leaver's account used by a colleague in the evenings before the end date
        leavers = [x for x in pl.c.staff if x.active and x.valid_to and x.unit_id in ("LS-SO",)
                   and x.role == "social_worker" and x.valid_to > pl.c.start + timedelta(days=days_each + 10)]
        if leavers:
            s = self.rng.choice(leavers)
            for k in range(days_each):
                d = s.valid_to - timedelta(days=2 + 2 * k)
                if (s.staff_id, d) in pl.used_days or d < pl.c.start:
                    continue
                clients = [(i.client_id, i.service_task) for i in self.bg.personal[s.staff_id] if i.covers(d)]
                if not clients:
                    continue
                self.rng.shuffle(clients)
                clients = clients[:8]
                pl.reserve(s, d, quiet=True)
                record(s, d, "leaver_account_used_after_hours",
                       self.browse(s, "pro_consona", d, clients, _spaced(d, 20, 40, len(clients), 90, self.rng),
                                   "anomaly_leaver_account"))
        # 3. a provider worker reading far more authorised records than peers
        ws = [x for x in pl.staff("P05-KH", "provider_worker")]
        if ws:
            s = self.rng.choice(ws)
            for _ in range(days_each):
                d = self.free_day(s)
                clients = [(a.client_id, a.service_task) for a in self.bg.auth_rows["P05"] if a.covers(d)]
                clients = sorted(set(clients))
                self.rng.shuffle(clients)
                clients = clients[:28]
                pl.reserve(s, d, quiet=True)
                record(s, d, "provider_reads_many_authorised",
                       self.browse(s, "portal", d, clients, _spaced(d, 9, 0, len(clients), 400, self.rng),
                                   "anomaly_provider_heavy_reader"))
        # 4. late-evening reading of protected clients by their work pair (personal involvement)
        s = self.rng.choice(pl.staff("LS-SO", "social_counsellor"))
        protected = []
        for k in range(4):
            cl = pl.fresh_client(security_prohibition=(k % 2 == 0), placement_secret=(k % 2 == 1))
            pl.inv(cl.client_id, "work_pair", pl.c.start - timedelta(days=40), None, staff=s)
            pl.inv(cl.client_id, "unit", pl.c.start - timedelta(days=40), None, unit="LS-SO")
            protected.append((cl.client_id, "child_welfare"))
        for _ in range(days_each):
            d = self.free_day(s)
            pl.reserve(s, d, quiet=True)
            own = [(i.client_id, i.service_task) for i in self.bg.personal[s.staff_id] if i.covers(d)][:3]
            clients = protected + own
            record(s, d, "protected_clients_late_evening",
                   self.browse(s, "pro_consona", d, clients, _spaced(d, 22, 0, len(clients), 80, self.rng),
                               "anomaly_protected_evening"))
        # 5. a manager reading many unit clients on a Saturday
        s = pl.staff("PS", "manager")[0]
        saturdays = [
            pl.c.start + timedelta(days=k) for k in range(3, (pl.c.end - pl.c.start).days - 2)
            if (pl.c.start + timedelta(days=k)).weekday() == 5]
        for d in self.rng.sample(saturdays, min(len(saturdays), days_each)):
            clients = _unit_clients(self.bg, "PS", d)
            self.rng.shuffle(clients)
            clients = clients[:24]
            pl.reserve(s, d, quiet=True)
            record(s, d, "manager_weekend_reading",
                   self.browse(s, "effica", d, clients, _spaced(d, 10, 0, len(clients), 200, self.rng),
                               "anomaly_weekend_manager"))
        return out_events
