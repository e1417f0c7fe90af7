"""docs/rules.md restated in Python, to label planted cases and to prove background events are clean.

The generator never guesses which rules a planted event breaks: it asks this oracle, which follows
docs/rules.md clause by clause (gates first, then the access rules, then log completeness). The
checks in sql/checks/ implement the same text independently; `lokivahti evaluate` compares them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from .model import County, Event, Staff

ACCESS_READLIKE = {"read", "search", "print", "export", "disclose"}
WRITES = {"create", "update", "delete"}
MISSING_PURPOSE_ACTIONS = {"read", "create", "update", "delete", "print", "export"}
# docs/rules.md §Action vocabulary: what a permission's action word grants
ACTION_COVERS = {"*": {"read", "search", "create", "update", "delete", "print", "export", "disclose", "other"},
                 "write": {"write", "create", "update", "delete"}, "read": {"read", "search"}}


class Oracle:
    def __init__(self, county: County, thresholds: dict, now: datetime | None = None):
        self.c = county
        self.t = thresholds
        self.now = now
        self.accounts: dict[tuple[str, str], str] = {}
        for s in county.staff:
            for system, account in s.accounts.items():
                self.accounts[(system, account)] = s.staff_id
        for system, account, staff_id in county.orphan_accounts:
            self.accounts[(system, account)] = staff_id
        self.staff_rows: dict[str, list[Staff]] = defaultdict(list)
        for s in county.staff + county.extra_staff_rows:
            self.staff_rows[s.staff_id].append(s)
        self.personal_ids = defaultdict(set)
        for s in county.staff + county.extra_staff_rows:
            if s.personal_id:
                self.personal_ids[s.personal_id].add(s.staff_id)
        self.clients = {c.client_id: c for c in county.clients}
        self.inv = defaultdict(list)
        for i in county.involvement:
            self.inv[i.client_id].append(i)
        self.auth = defaultdict(list)
        for a in county.authorisations:
            self.auth[(a.organisation_id, a.client_id)].append(a)
        self.prohib = defaultdict(list)
        for p in county.prohibitions:
            self.prohib[p.client_id].append(p)
        self.perm = defaultdict(list)
        for p in county.permissions:
            self.perm[p.client_id].append(p)
        self.roleperm = defaultdict(list)
        for role, task, action, req in county.role_permissions:
            self.roleperm[role].append((task, action, req))
        self.kinds = {oid: kind for oid, _n, kind in county.organisations}

    # -- shared definitions -------------------------------------------------------------------
    def staff_in_force(self, staff_id: str, d: date) -> Staff | None:
        rows = [s for s in self.staff_rows.get(staff_id, []) if s.valid_from <= d <= (s.valid_to or date(9999, 12, 31))]
        return rows[0] if rows else None

    def personal(self, staff_id: str, client: str, d: date) -> bool:
        return any(i.kind in ("responsible_worker", "work_pair") and i.staff_id == staff_id and i.covers(d)
                   for i in self.inv.get(client, ()))

    def unit_inv(self, row: Staff, client: str, d: date) -> bool:
        """A unit, referral or supervision-case row naming the staff member's unit or the staff member."""
        return any(i.kind in ("unit", "referral", "supervision_case") and i.covers(d)
                   and ((i.unit_id and i.unit_id == row.unit_id) or (i.staff_id and i.staff_id == row.staff_id))
                   for i in self.inv.get(client, ()))

    def involved(self, row: Staff, client: str, d: date) -> bool:
        return self.personal(row.staff_id, client, d) or self.unit_inv(row, client, d)

    def service_auth(self, org: str | None, client: str, d: date) -> bool:
        return any(a.phase == "service" and a.covers(d) for a in self.auth.get((org, client), ()))

    def tender_auth(self, org: str | None, client: str, d: date, agreement: str | None = None) -> bool:
        return any(a.phase == "tender" and a.covers(d) and (agreement is None or (a.agreement == "framework") == (agreement == "framework"))
                   for a in self.auth.get((org, client), ()))

    def permission_rows(self, role: str, task: str | None, action: str):
        return [(t, a, req) for t, a, req in self.roleperm.get(role, ())
                if (task is None or t in (task, "*")) and action in ACTION_COVERS.get(a, {a})]

    @staticmethod
    def is_access(e: Event) -> bool:
        return bool(e.client_id) and e.action != "other" and e.outcome in (None, "success")

    # -- per-event rules ----------------------------------------------------------------------
    def log_rules(self, e: Event) -> set[str]:
        found = set()
        if not e.account:
            found.add("log_missing_fields")
        if self.is_access(e) and e.action in MISSING_PURPOSE_ACTIONS and not e.purpose and not e.emergency:
            found.add("log_missing_fields")
        if e.action == "disclose" and (not e.recipient_organisation_id or not (e.purpose or e.emergency)):
            found.add("log_missing_fields")
        uses = e.action == "disclose" or (self.is_access(e) and e.action in MISSING_PURPOSE_ACTIONS)
        if uses and not e.document and not getattr(e, "data_description", None):
            found.add("log_missing_fields")
        if e.action == "disclose" and not getattr(e, "legal_basis", None):
            found.add("log_missing_fields")
        if nonexistent_local(e.local):
            found.add("log_clock_skew")
        if self.now is not None and e.local > self.now + timedelta(minutes=self.t["clock_skew_future_minutes"] + 180):
            found.add("log_clock_skew")
        return found

    def access_rules(self, e: Event) -> set[str]:
        if not self.is_access(e):
            return set()
        d = e.day
        staff_id = self.accounts.get((e.source_system, e.account)) if e.account else None
        if staff_id is None or staff_id not in self.staff_rows:
            return {"dq_unknown_account"}
        row = self.staff_in_force(staff_id, d)
        if row is None:
            return {"account_outside_employment"}
        client = self.clients.get(e.client_id)
        if client is None:
            return {"dq_unknown_client"}
        found = set()
        cid = e.client_id
        provider = self.kinds.get(row.organisation_id) == "private_provider"
        emergency = e.emergency or e.purpose == "emergency"
        statutory = e.purpose == "statutory_right"
        involved = self.involved(row, cid, d)
        service = self.service_auth(row.organisation_id, cid, d) if provider else False
        framework = self.tender_auth(row.organisation_id, cid, d, "framework") if provider else False
        explained = involved or statutory or (provider and (service or framework))
        rows = self.permission_rows(row.role, e.service_task, e.action)
        if not rows:
            found.add("role_not_permitted")
        needs = any(r[2] for r in rows) and not any(not r[2] for r in rows)
        if not provider and not emergency and needs and not involved and not statutory:
            if e.action in ACCESS_READLIKE:
                found.add("involvement_missing")
            elif e.action in WRITES:
                found.add("write_without_involvement")
        if provider:
            tender = self.tender_auth(row.organisation_id, cid, d)
            direct = self.tender_auth(row.organisation_id, cid, d, "direct")
            if not service and not tender:
                found.add("provider_outside_authorisation")
            if direct and not service and not framework:
                found.add("tender_phase_identifiable_access")
        # disclosure between controllers: a disclose event's recipient, or the acting county-side organisation
        # when it is not the controller whose data it is
        controller = e.controller_id or "HVA"
        acting = row.organisation_id or e.organisation_id
        if e.action == "disclose":
            recipient = e.recipient_organisation_id
        elif not provider and acting and acting != controller:
            recipient = acting
        else:
            recipient = None
        if recipient and recipient != controller:
            own = self.service_auth(recipient, cid, d) or self.tender_auth(recipient, cid, d, "framework")
            direct_tender = self.tender_auth(recipient, cid, d, "direct") and not own
            matched = False
            for p in self.prohib.get(cid, ()):
                if not p.covers(d):
                    continue
                value = {"controller": controller, "service_task": e.service_task, "document": e.document}[p.scope]
                if value is not None and value == p.target:
                    matched = True
            if matched and not statutory and not own:
                found.add("disclosure_prohibited")
            if (not matched and not statutory and not own and not direct_tender
                    and not getattr(e, "legal_basis", None)
                    and not any(p.covers(d) for p in self.perm.get(cid, ()))):
                found.add("disclosure_without_permission")
            if not provider and direct_tender:
                found.add("tender_phase_identifiable_access")
        is_self = bool(row.personal_id) and row.personal_id == cid
        if is_self:
            found.add("self_access")
        if not is_self and norm_address(row.address) and norm_address(row.address) == norm_address(client.address):
            found.add("family_or_neighbour")
        if not is_self and (self.personal_ids.get(cid, set()) - {staff_id}) and not explained:
            found.add("coworker_access")
        if not provider and client.protected_on(d) and not explained and not emergency:
            found.add("protected_client")
        if client.deceased_on is not None and d > client.deceased_on and not explained:
            found.add("deceased_client_access")
        if not provider and emergency:
            days = [d + timedelta(days=k) for k in range(self.t["emergency_followup_days"] + 1)]
            if not any(self.involved(row, cid, x) for x in days):
                found.add("emergency_without_followup")
        return found

    def judged(self, e: Event) -> bool:
        """Passes the three gates (an access event with known account, employment and client)."""
        if not self.is_access(e):
            return False
        staff_id = self.accounts.get((e.source_system, e.account)) if e.account else None
        if staff_id is None or staff_id not in self.staff_rows:
            return False
        if self.staff_in_force(staff_id, e.day) is None:
            return False
        return e.client_id in self.clients

    # -- group rules --------------------------------------------------------------------------
    def group_rules(self, events: list[Event]) -> dict[int, set[str]]:
        """Mass export, mass access and duplicates over a list of events (by position)."""
        out: dict[int, set[str]] = defaultdict(set)
        by_account_day = defaultdict(list)
        for n, e in enumerate(events):
            if self.judged(e):
                by_account_day[(e.source_system, e.account, e.day)].append(n)
        window = timedelta(minutes=self.t["mass_access_window_minutes"])
        for idx in by_account_day.values():
            pe = [n for n in idx if events[n].action in ("print", "export")]
            if len({events[n].client_id for n in pe}) >= self.t["mass_export_distinct_clients"]:
                for n in pe:
                    out[n].add("mass_export")
            if len({events[n].client_id for n in idx}) < self.t["mass_access_distinct_clients"]:
                continue
            idx = sorted(idx, key=lambda n: events[n].local)
            for n0 in idx:
                t0 = events[n0].local
                inside = [n for n in idx if t0 <= events[n].local < t0 + window]
                if len({events[n].client_id for n in inside}) >= self.t["mass_access_distinct_clients"]:
                    for n in inside:
                        out[n].add("mass_access")
        dup = defaultdict(list)
        for n, e in enumerate(events):
            dup[(e.source_system, e.account, e.client_id, e.action, e.document, e.local)].append(n)
        for idx in dup.values():
            if len({events[n].event_id for n in idx}) > 1:
                for n in idx:
                    out[n].add("log_duplicate_events")
        return out

    def judge_all(self, events: list[Event]) -> list[set[str]]:
        group = self.group_rules(events)
        return [self.log_rules(e) | self.access_rules(e) | group.get(n, set()) for n, e in enumerate(events)]


def norm_address(a: str | None) -> str:
    return " ".join((a or "").lower().split())


def nonexistent_local(t: datetime) -> bool:
    """The spring-forward hour 03:00–03:59 on the last Sunday of March does not exist in Helsinki."""
    if t.month != 3:
        return False
    last = date(t.year, 3, 31)
    last_sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return t.date() == last_sunday and t.hour == 3
