"""A hand-made county small enough to read in one sitting, for the disclosure tests (its fixtures are in
conftest.py: county_template, county, small_store).

Four client systems, a county and a private family home, a child in a secret placement, a teenager who
forbids disclosure to guardians, a deceased client, an adult, and another client whose data must never leak
into anyone else's answer. The checks' results (explanations, a finding) are written directly, as
`lokivahti check` would, so these tests do not depend on the rule catalogue.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipelines.ingest.engine import ingest_file
from pipelines.ingest.records import CANONICAL_COLUMNS
from pipelines.reference import import_reference
from pipelines.store import connect


def synthetic_hetu(ddmmyy: str, century: str, individual: int) -> str:
    """A personal identity code with an individual number 900-999 (never issued) and a valid check character."""
    assert 900 <= individual <= 999
    body = f"{ddmmyy}{century}{individual}"
    return body + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + str(individual)) % 31]


CHILD = synthetic_hetu("150314", "A", 901)      # secret placement in force, not capable
TEEN = synthetic_hetu("020609", "A", 902)       # prohibits disclosure to guardians
DEAD = synthetic_hetu("010150", "-", 903)       # deceased
ADULT = synthetic_hetu("121285", "-", 904)      # plain adult client, spread over four systems
OTHER = synthetic_hetu("030390", "-", 905)      # another client: must never appear in ADULT's answer
LAPSED = synthetic_hetu("050512", "A", 906)     # placement secret decision ended 2025
STAFF_PID = synthetic_hetu("111180", "-", 907)  # a worker's own code

PROVIDER_NAME = "Perhekoti Kuusela Oy"
PROVIDER_UNIT = "Kuuselan perhekoti"
PROVIDER_WORKER = "Pekka Ohjaaja"
PLACEMENT_UNIT = "Sijaishuollon sijoitusyksikkö"
PLACEMENT_WORKER = "Liisa Sijoittaja"

REFERENCE = {
    "organisations.csv": [
        ["organisation_id", "name", "kind"],
        ["HVA", "Itä-Vahdin hyvinvointialue", "county"],
        ["PRV1", PROVIDER_NAME, "private_provider"],
    ],
    "units.csv": [
        ["unit_id", "organisation_id", "name", "service_task"],
        ["U_LS", "HVA", "Lastensuojelun avohuolto", "child_welfare"],
        ["U_SIJ", "HVA", PLACEMENT_UNIT, "placement"],
        ["U_PK", "PRV1", PROVIDER_UNIT, "placement"],
    ],
    "staff.csv": [
        ["staff_id", "full_name", "personal_id", "address", "organisation_id", "unit_id", "role", "title",
         "valid_from", "valid_to"],
        ["S1", "Anna Aaltonen", STAFF_PID, "", "HVA", "U_LS", "social_worker", "sosiaaliohjaaja", "2020-01-01", "2026-02-28"],
        ["S1", "Anna Aaltonen", STAFF_PID, "", "HVA", "U_LS", "social_worker", "sosiaalityöntekijä", "2026-03-01", ""],
        ["S2", PROVIDER_WORKER, "", "", "PRV1", "U_PK", "provider_worker", "ohjaaja", "2021-01-01", ""],
        ["S3", PLACEMENT_WORKER, "", "", "HVA", "U_SIJ", "placement_coordinator", "sijoituskoordinaattori", "2021-01-01", ""],
        ["S4", "Ville Utelias", "", "", "HVA", "U_LS", "social_worker", "sosiaaliohjaaja", "2021-01-01", ""],
    ],
    "accounts.csv": [
        ["source_system", "account", "staff_id"],
        ["pro_consona", "anna", "S1"], ["effica", "ANNA1", "S1"], ["portal", "pekka", "S2"],
        ["pegasos", "liisa", "S3"], ["pro_consona", "ville", "S4"],
    ],
    "role_permissions.csv": [
        ["role", "service_task", "action", "requires_involvement"],
        ["social_worker", "*", "*", "true"], ["provider_worker", "*", "*", "true"],
        ["placement_coordinator", "*", "*", "true"],
    ],
    "involvement.csv": [
        ["client_id", "staff_id", "unit_id", "kind", "valid_from", "valid_to"],
        [ADULT, "S1", "", "responsible_worker", "2020-01-01", ""],
    ],
    "clients.csv": [
        ["client_id", "full_name", "birth_date", "address", "deceased_on", "security_prohibition", "placement_secret",
         "placement_secret_until", "minor_capacity"],
        [CHILD, "Lapsi Salainen", "2014-03-15", "", "", "false", "true", "2026-12-31", "not_capable"],
        [TEEN, "Nuori Kieltävä", "2009-06-02", "", "", "false", "false", "", "prohibits_guardians"],
        [DEAD, "Vainaja Vanha", "1950-01-01", "", "2026-01-10", "false", "false", "", ""],
        [ADULT, "Aikuinen Asiakas", "1985-12-12", "", "", "false", "false", "", ""],
        [OTHER, "Toinen Asiakas", "1990-03-03", "", "", "false", "false", "", ""],
        [LAPSED, "Lapsi Entinen", "2012-05-05", "", "", "false", "true", "2025-01-01", "allows_guardians"],
    ],
}


def _event(system, eid, time, account, client, action, task="child_welfare", document="asiakaskertomus",
           purpose="client_relationship", recipient="", outcome="success"):
    row = dict.fromkeys(CANONICAL_COLUMNS, "")
    row.update(source_system=system, source_event_id=eid, event_time=time, account=account, client_id=client,
               action=action, service_task=task, document=document, purpose=purpose, emergency="false",
               channel="portal" if system == "portal" else "native", recipient_organisation_id=recipient,
               outcome=outcome)
    return row


EVENTS = [
    # ADULT: four systems; S1's title changes on 1.3.2026
    _event("pro_consona", "pc-1", "2026-02-10T09:15:00", "anna", ADULT, "read"),
    _event("pro_consona", "pc-2", "2026-03-05T10:00:00", "anna", ADULT, "update"),
    _event("effica", "ef-1", "2026-03-06T13:30:00", "ANNA1", ADULT, "print", task="family_social_work"),
    _event("pegasos", "pg-1", "2026-04-01T08:00:00", "liisa", ADULT, "disclose", recipient="PRV1",
           purpose="statutory_right"),
    _event("pro_consona", "pc-3", "2026-04-02T22:10:00", "ville", ADULT, "read"),            # in a finding
    _event("pro_consona", "pc-4", "2026-04-03T11:00:00", "ville", ADULT, "read", document="=HYPERLINK(\"x\")"),
    _event("portal", "po-1", "2026-04-04T12:00:00", "pekka", ADULT, "read"),                  # no explanation yet
    _event("pro_consona", "pc-old", "2023-05-01T09:00:00", "anna", ADULT, "read"),            # over two years old
    # OTHER: same workers, same days
    _event("pro_consona", "pc-o1", "2026-02-10T09:20:00", "anna", OTHER, "read"),
    _event("effica", "ef-o1", "2026-03-06T13:35:00", "ANNA1", OTHER, "read"),
    _event("portal", "po-o1", "2026-04-04T12:05:00", "pekka", OTHER, "read"),
    # CHILD in a secret placement: provider staff, the placement unit, and the county social worker
    _event("portal", "po-c1", "2026-03-10T15:00:00", "pekka", CHILD, "read", task="placement"),
    _event("pegasos", "pg-c1", "2026-03-11T09:00:00", "liisa", CHILD, "update", task="placement"),
    _event("pro_consona", "pc-c1", "2026-03-12T09:00:00", "anna", CHILD, "read"),
    _event("pro_consona", "pc-c2", "2026-03-13T09:00:00", "anna", CHILD, "disclose", recipient="PRV1",
           purpose="statutory_right"),
    # LAPSED: the secret decision has ended
    _event("portal", "po-l1", "2026-03-10T15:00:00", "pekka", LAPSED, "read", task="placement"),
    # TEEN, DEAD
    _event("pro_consona", "pc-t1", "2026-03-10T10:00:00", "anna", TEEN, "read"),
    _event("pro_consona", "pc-d1", "2026-01-05T10:00:00", "anna", DEAD, "read"),
]

EXPLANATIONS = [  # (source_system, source_event_id, client, date, basis)
    ("pro_consona", "pc-1", ADULT, "2026-02-10", "responsible_worker"),
    ("pro_consona", "pc-2", ADULT, "2026-03-05", "responsible_worker"),
    ("effica", "ef-1", ADULT, "2026-03-06", "responsible_worker"),
    ("pegasos", "pg-1", ADULT, "2026-04-01", "statutory_right"),
    ("pro_consona", "pc-o1", OTHER, "2026-02-10", "work_pair"),
    ("portal", "po-c1", CHILD, "2026-03-10", "provider_authorisation"),
    ("pegasos", "pg-c1", CHILD, "2026-03-11", "unit"),
    ("pro_consona", "pc-c1", CHILD, "2026-03-12", "responsible_worker"),
]

SNOOP_FINDING = "f-snoop"
CONFIRMED_FINDING = "f-confirmed"


def imported_store(store: Path, reference: Path, events: Path):
    """A new store at `store` with the reference folder imported (not one line rejected) and the canonical
    event file ingested; returned open, for the rows a county adds by hand."""
    con = connect(store)
    try:
        result = import_reference(con, reference)
        assert not result["rejects"], result["rejects"]
        ingest_file(con, events)
    except BaseException:
        con.close()
        raise
    return con


def build_county(folder: Path) -> Path:
    """Write the county's reference data and events, import them into a fresh store; return the store path."""
    ref = folder / "reference"
    ref.mkdir(parents=True)
    for name, rows in REFERENCE.items():
        with open(ref / name, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    events = folder / "events.csv"
    with open(events, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CANONICAL_COLUMNS)
        w.writeheader()
        w.writerows(EVENTS)
    store = folder / "store.duckdb"
    con = imported_store(store, ref, events)
    try:
        for s, e, c, d, b in EXPLANATIONS:
            con.execute("INSERT INTO explanations SELECT run_id, record_no, ?, ?, ? FROM events "
                        "WHERE source_system = ? AND source_event_id = ?", [c, d, b, s, e])
        for fid, rule, eid in ((SNOOP_FINDING, "involvement_missing", "pc-3"),
                               (CONFIRMED_FINDING, "involvement_missing", "pc-4")):
            con.execute(
                "INSERT INTO findings (finding_id, rule_id, category, severity, finding_key, client_id, event_count, "
                "first_seen_at, last_checked_at) VALUES (?, ?, 'involvement', 'high', ?, ?, 1, now(), now())",
                [fid, rule, eid, ADULT])
            con.execute("INSERT INTO finding_events VALUES (?, 'pro_consona', ?)", [fid, eid])
    finally:
        con.close()
    return store


SMALL_FILES = ("effica/effica_2026-05.csv", "pegasos/pegasos_2026-05.csv", "portal/portal_2026-05.jsonl",
               "pro_consona/pro_consona_2026-05.csv")
