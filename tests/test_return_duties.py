"""Seed 000 §4-5: "Mikäli palvelun tuottaminen ... ei tämän jälkeen jostain syystä toteudu, on lasta koskevat
asiakirjat ja muut tiedot poistettava palveluntuottajan arkistosta ja tiedostoista ... Samoin palvelun
päättyessä palveluntuottajan on palautettava kaikki lasta koskevat asiakirjat" — each ended or never-started
authorisation carries the duty until the supervision unit confirms it; a former worker's portal access stays on
the provider's page."""

from __future__ import annotations

from datetime import date

import pytest
from rulecases import Case, load_case_into, memory_store, read_yaml

from pipelines import PROJECT_ROOT
from pipelines.checks.summaries import ensure_summaries
from pipelines.reports.queries import run
from pipelines.reports.return_duties import record_confirmation, return_duties

BASE = read_yaml(PROJECT_ROOT / "tests" / "checks" / "_base.yaml")
TABLES = ("organisations", "staff", "accounts", "role_permissions", "involvement", "provider_authorisations",
          "clients", "disclosure_prohibitions", "disclosure_permissions")


def store(extra: dict, events: list[dict] = ()):
    reference = {t: list(BASE.get(t, [])) + list(extra.get(t, [])) for t in TABLES}
    con = memory_store()
    load_case_into(con, Case("*", "supervision", reference, list(events), aliases=BASE["aliases"]))
    return con


AUTHS = {"provider_authorisations": [
    {"organisation_id": "PRO", "client_id": "C1", "agreement": "direct", "phase": "service",
     "valid_from": "2025-03-01", "valid_to": "", "cancelled_on": "2025-03-01"},
    {"organisation_id": "PRO", "client_id": "C2", "agreement": "framework", "phase": "service",
     "valid_from": "2025-03-01", "valid_to": "", "cancelled_on": ""},
]}


def test_ended_and_never_started_services_carry_the_duty_until_confirmed(tmp_path):
    con = store(AUTHS)
    work = tmp_path / "work.sqlite"
    duties = return_duties(con, "PRO", work, as_of=date(2025, 4, 1))
    got = {(r["client_id"], r["reason"], r["duty_from"], r["confirmed"]) for r in duties.iter_rows(named=True)}
    assert got == {("010180-9015", "never_started", date(2025, 3, 1), False),    # cancelled on its first day
                   ("030382-905P", "ended", date(2025, 3, 1), False)}            # base: ended 2025-02-28
    record_confirmation(work, "PRO", "030382-905P", "service", date(2025, 2, 1), date(2025, 3, 10), actor="valvoja")
    duties = return_duties(con, "PRO", work, as_of=date(2025, 4, 1))
    confirmed = duties.filter(duties["confirmed"])
    assert confirmed["client_id"].to_list() == ["030382-905P"]
    assert confirmed["confirmed_on"].to_list() == [date(2025, 3, 10)]


def test_a_running_service_carries_no_duty_yet(tmp_path):
    con = store(AUTHS)
    duties = return_duties(con, "PRO", tmp_path / "w.sqlite", as_of=date(2025, 2, 15))
    assert duties["client_id"].to_list() == ["010180-9015"]   # only the service that never started


def test_a_confirmation_cannot_be_dated_in_the_future(tmp_path):
    with pytest.raises(ValueError):
        record_confirmation(tmp_path / "w.sqlite", "PRO", "x", "service", date(2025, 1, 1), date(2999, 1, 1), "v")


def test_a_former_workers_portal_access_stays_on_the_providers_page():
    con = store({"staff": [{"staff_id": "S9", "full_name": "Ville Vanha", "personal_id": "", "address": "",
                            "organisation_id": "PRO", "unit_id": "P1", "role": "provider_worker", "title": "ohjaaja",
                            "valid_from": "2020-01-01", "valid_to": "2025-02-15"}],
                 "accounts": [{"source_system": "sys", "account": "ville", "staff_id": "S9"}]},
                [{"id": "during", "account": "ville", "client": "C3", "channel": "portal", "time": "2025-02-10T10:00"},
                 {"id": "after", "account": "ville", "client": "C3", "channel": "portal", "time": "2025-02-20T10:00"}])
    expected = {"during": "inside_service", "after": "after_employment"}
    rows = run(con, "provider_accesses", organisation_id="PRO", summarised=False, outside_only=False, max_rows=100,
               row_offset=0)
    assert dict(zip(rows["source_event_id"], rows["status"])) == expected
    # the same, classified from the account-client-day summary the ingest keeps (events written directly here)
    assert ensure_summaries(con)
    rows = run(con, "provider_accesses", organisation_id="PRO", summarised=True, outside_only=False, max_rows=100,
               row_offset=0)
    assert dict(zip(rows["source_event_id"], rows["status"])) == expected
    counts = run(con, "provider_access_summary", organisation_id="PRO", summarised=True)
    assert dict(zip(counts["status"], counts["accesses"])) == {"inside_service": 1, "after_employment": 1}
