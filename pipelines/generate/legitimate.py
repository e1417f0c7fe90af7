"""Legitimate but unusual work: accesses the law allows that look odd, planted as near misses at every size.

A rule catalogue tuned only on snooping would flag these. Each case rests on a sentence of the seed documents
or the law (quoted in the comment above it); every event is a near miss for the rules it must not break, and
the generator stops if the oracle (docs/rules.md restated) finds any access rule broken. What is unusual about
such work (the hour, a protected client, another unit's client) is the anomaly model's matter, not a rule's.

The planter's helpers do the bookkeeping (reference rows, worker-days, event ids), so this module only says
what the work is.
"""

from __future__ import annotations

from datetime import date, timedelta

from .model import Authorisation, Permission, Prohibition
from .plants import Planter

# the rules legitimate work must never trip (log-content and data-quality rules judge the log, not the work)
ACCESS_RULES = ("involvement_missing", "write_without_involvement", "role_not_permitted",
                "provider_outside_authorisation", "tender_phase_identifiable_access", "disclosure_prohibited",
                "disclosure_without_permission", "coworker_access", "protected_client", "deceased_client_access",
                "emergency_without_followup")
OTHER_CONTROLLER = "HVA2"   # a neighbouring wellbeing services county (a separate controller)


class LegitimateWork:
    def __init__(self, planter: Planter, holidays: set[date]):
        self.p = planter
        self.c = planter.c
        self.holidays = sorted(d for d in holidays if self.c.start < d < self.c.end)

    def _legit(self, e, rules=ACCESS_RULES):
        for rule in rules:
            self.p.near(e, rule)
        return e

    def run(self) -> None:
        if OTHER_CONTROLLER not in {oid for oid, _n, _k in self.c.organisations}:
            self.c.organisations.append((OTHER_CONTROLLER, "Naapurin hyvinvointialue", "county"))
        n = self.p.cases
        self.referral_on_protected_client(n)
        self.supervision_case_on_protected_client(n)
        self.framework_provider_in_assessment(max(1, n // 2))
        self.covering_another_unit(n)
        self.emergency_duty_at_night(n)
        self.holiday_work(n)
        self.statutory_disclosure_despite_prohibition(max(1, n // 2))
        self.kanta_read_with_permission(max(1, n // 2))
        # an export that left the referral unit out: the row names nobody and explains nothing (a data-quality
        # finding, never silence)
        cl = self.p.fresh_client()
        self.p.inv(cl.client_id, "referral", self.c.start, None, task="placement")

    # seed 000 §3: "Asiakasohjaus ja valvonta -yksikkö toteuttaa tehtäväänsä lapsen asioista vastaavan
    # sosiaalityöntekijän tekemän palvelulähetteen ... perusteella" -- a referral names the unit, here of a
    # child with a secret placement or a security prohibition.
    def referral_on_protected_client(self, n: int) -> None:
        coordinators = self.p.staff("SIJ", "placement_coordinator")
        for k in range(n):
            s = self.p.rng.choice(coordinators)
            d = self.p.day_for(s)
            cl = self.p.fresh_client(security_prohibition=(k % 2 == 0), placement_secret=(k % 2 == 1),
                                     placement_secret_until=d + timedelta(days=200) if k % 2 else None)
            if k % 3 == 2:   # a referral assigned to the coordinator personally (a row naming only the person)
                self.p.inv(cl.client_id, "referral", d - timedelta(days=10), None, staff=s, task="placement")
            else:
                self.p.inv(cl.client_id, "referral", d - timedelta(days=10), None, unit="SIJ", task="placement")
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            self._legit(self.p.ev(s, "lifecare", self.p.at(d, 9), cl.client_id, "read", "placement",
                                  "asiakassuunnitelma", plant="legit_referral_protected"))

    # seed 000 §6: the unit supervises "niin yksityisesti kuin julkisesti tuotetuissa palveluissa" and needs
    # the documents of the children in those services -- a supervision case assigned to one officer.
    def supervision_case_on_protected_client(self, n: int) -> None:
        officers = self.p.staff("SIJ", "supervision_officer")
        for k in range(n):
            s = self.p.rng.choice(officers)
            d = self.p.day_for(s)
            cl = self.p.fresh_client(security_prohibition=True)
            self.p.inv(cl.client_id, "supervision_case", d - timedelta(days=20), d + timedelta(days=40), staff=s,
                       task="placement")
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            self._legit(self.p.ev(s, "casem", self.p.at(d, 13), cl.client_id, "read", "placement",
                                  "sijoitussuunnitelma", purpose="supervision", plant="legit_supervision_protected"))

    # seed 000 §4: "Palvelun tuottamiseen sopivaa palveluntuottajaa arvioitaessa voidaan antaa asiakasta ...
    # koskevat välttämättömät tiedot" -- a framework provider reads the client during its assessment.
    def framework_provider_in_assessment(self, n: int) -> None:
        for k in range(n):
            org = ("P01", "P02")[k % 2]
            d = self.p.day_for(None)
            cl = self.p.fresh_client()
            self.p.inv(cl.client_id, "referral", d - timedelta(days=30), None, unit="SIJ", task="placement")
            self.c.authorisations.append(Authorisation(org, cl.client_id, "framework", "tender",
                                                       d - timedelta(days=3), d + timedelta(days=3),
                                                       service_task="placement"))
            self._legit(self.p.provider_event(org, d, cl.client_id, "legit_framework_assessment"))

    # a worker standing in for an absent colleague of another unit: the substitution is recorded as a work-pair
    # row naming the substitute (9 §: access rests on a work task and the client relationship it creates)
    def covering_another_unit(self, n: int) -> None:
        substitutes = self.p.staff("PS", "social_worker")
        for k in range(n):
            s = self.p.rng.choice(substitutes)
            d = self.p.day_for(s)
            cl = self.p.fresh_client()
            self.p.inv(cl.client_id, "unit", d - timedelta(days=90), None, unit="LS-SO")
            self.p.inv(cl.client_id, "work_pair", d - timedelta(days=2), d + timedelta(days=12), staff=s)
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            self._legit(self.p.ev(s, "pro_consona", self.p.at(d, 15), cl.client_id, "read", "child_welfare",
                                  "asiakaskertomus", plant="legit_covering_other_unit"))

    # emergency social services work round the clock: a night-time emergency access whose client becomes the
    # unit's the next morning (break-the-glass justified afterwards)
    def emergency_duty_at_night(self, n: int) -> None:
        intake = self.p.staff("LS-VA") or self.p.staff("LS-SO", "social_worker")
        for k in range(n):
            s = self.p.rng.choice(intake)
            d = self.p.day_for(s)
            cl = self.p.fresh_client()
            self.p.inv(cl.client_id, "unit", d + timedelta(days=1), None, unit=s.unit_id)
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            self._legit(self.p.ev(s, "pro_consona", self.p.at(d, 2, 30), cl.client_id, "read", "child_welfare",
                                  "lastensuojeluilmoitus", purpose="emergency", emergency=True,
                                  plant="legit_emergency_night"))

    # a public holiday worked: the responsible worker reads their own client on Midsummer or Christmas Eve
    def holiday_work(self, n: int) -> None:
        if not self.holidays:
            return
        workers = self.p.staff("LS-SO", "social_worker")
        for k in range(n):
            s = self.p.rng.choice(workers)
            d = self.holidays[k % len(self.holidays)]
            if (s.staff_id, d) in self.p.used_days:
                continue
            cl = self.p.caseworker_client(s, d)
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            self._legit(self.p.ev(s, "pro_consona", self.p.at(d, 11), cl.client_id, "read", "child_welfare",
                                  "asiakaskertomus", plant="legit_holiday_work"))

    # seed 004: "vaikka et olisi antanut luovutuslupaa tai olisit tehnyt luovutuskieltoja, on ... sosiaali-
    # työntekijällä perustellusta syystä oikeus saada tarvittavat tiedot" -- the responsible worker discloses
    # on a statutory right, naming the provision in the disclosure log.
    def statutory_disclosure_despite_prohibition(self, n: int) -> None:
        workers = self.p.staff("LS-SO", "social_worker")
        for k in range(n):
            s = self.p.rng.choice(workers)
            d = self.p.day_for(s)
            cl = self.p.caseworker_client(s, d)
            self.c.prohibitions.append(Prohibition(cl.client_id, "controller", "HVA", d - timedelta(days=40), None))
            self.p.reserve(s, d, quiet=True)
            e = self.p.disclose(s, d, cl.client_id, "KELA", "legit_statutory_disclosure", purpose="statutory_right")
            e.legal_basis = "lakisääteinen tiedonsaantioikeus"
            self._legit(e)

    # a Kanta read of another county's record by a worker involved with the client, resting on the client's
    # disclosure permission (a disclosure between controllers, judged as one)
    def kanta_read_with_permission(self, n: int) -> None:
        workers = self.p.staff("LS-SO", "social_worker")
        for k in range(n):
            s = self.p.rng.choice(workers)
            d = self.p.day_for(s)
            cl = self.p.caseworker_client(s, d)
            self.c.permissions.append(Permission(cl.client_id, "social_care", d - timedelta(days=5), None))
            self.p.reserve(s, d, quiet=True)   # the day holds only this work: no background day (silences stay silent)
            e = self.p.ev(s, "pro_consona", self.p.at(d, 10), cl.client_id, "read", "child_welfare",
                          "asiakassuunnitelma", plant="legit_kanta_read", controller_id=OTHER_CONTROLLER)
            self._legit(e)


def quality_keys(county) -> list[tuple[str, str, object]]:
    """Reference rows the data-quality rules must report, as (rule, table, row) like the planter's key objects:
    a secret placement with no end date (lastensuojelulaki 63 §: a decision lasts at most one year), and an
    involvement row that names nobody usable."""
    keys = [("dq_placement_secret_too_long", "clients", cl) for cl in county.clients
            if cl.placement_secret and cl.placement_secret_until is None]
    keys += [("dq_involvement_row", "involvement", row) for row in county.involvement
             if not row.staff_id and not row.unit_id
             or (row.kind in ("responsible_worker", "work_pair") and not row.staff_id)]
    return keys


def controller_keys(per_source_day, canonical_only: bool) -> list[tuple[str, str]]:
    """Sources whose file format does not name the controller (log_controller_not_named, one key each)."""
    from .writers import NAMES_CONTROLLER
    sources = sorted({src for src, _d in per_source_day})
    return [] if canonical_only else [("log_controller_not_named", src) for src in sources
                                      if src not in NAMES_CONTROLLER]
