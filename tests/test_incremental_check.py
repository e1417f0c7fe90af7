"""An incremental check judges exactly as a full check does, reading only what changed.

A county's log grows by a day at a time and its reference data changes after the fact (an involvement recorded
late, an employment found to have ended earlier, a provider's authorisation cancelled). Each of those must be
re-judged without re-checking the store, and the result must be what a full check of the whole store leaves:
the same findings (rule, key, date, events) and the same explanations. The county below is written by hand; each
change quotes the rule it rests on, and each test also proves that the change did alter a verdict, so that
"incremental equals full" is never true merely because nothing happened.

The event summaries kept at ingest (sql/schema/010_event_summaries.sql) are what lets the incremental check avoid
the events: they are held to the events they summarise.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from check_results import stored_columns as _columns
from check_results import stored_results as _stored

from pipelines.checks.runner import run_check
from pipelines.checks.summaries import ensure_summaries, summaries_current, summarise_runs
from pipelines.config import load_config
from pipelines.ingest.engine import ingest_file
from pipelines.reference import import_reference
from pipelines.store import connect

C1, C2, C3 = "010180-9015", "020281-903X", "030382-905P"

REFERENCE = {
    "organisations.csv": [["organisation_id", "name", "kind"],
                          ["HVA", "County", "county"], ["PRO", "Provider Oy", "private_provider"]],
    "units.csv": [["unit_id", "organisation_id", "name", "service_task", "opening_hours"],
                  ["U1", "HVA", "Family social work", "child_welfare", ""],
                  ["U2", "HVA", "Adult social work", "adult_social_work", ""],
                  ["P1", "PRO", "Provider home care", "home_care", ""]],
    "staff.csv": [["staff_id", "full_name", "personal_id", "address", "organisation_id", "unit_id", "role", "title",
                   "valid_from", "valid_to"],
                  ["S1", "Anna Aaltonen", "", "", "HVA", "U1", "social_worker", "sosiaalityöntekijä", "2020-01-01", ""],
                  ["S2", "Pekka Pohjola", "", "", "HVA", "U2", "social_worker", "sosiaalityöntekijä", "2020-01-01", ""],
                  ["S3", "Liisa Laine", "", "", "PRO", "P1", "provider_worker", "ohjaaja", "2020-01-01", ""]],
    "accounts.csv": [["source_system", "account", "staff_id"],
                     ["sys", "anna", "S1"], ["sys", "pekka", "S2"], ["sys", "liisa", "S3"]],
    "role_permissions.csv": [["role", "service_task", "action", "requires_involvement"],
                             ["social_worker", "*", "read", "true"],
                             ["provider_worker", "*", "*", "false"]],
    "clients.csv": [["client_id", "full_name", "birth_date", "address", "deceased_on", "security_prohibition",
                     "placement_secret", "placement_secret_until", "minor_capacity"],
                    [C1, "Eero Esimerkki", "", "", "", "false", "false", "", ""],
                    [C2, "Tiina Testi", "", "", "", "false", "false", "", ""],
                    [C3, "Olli Ostopalvelu", "", "", "", "false", "false", "", ""]],
    "involvement.csv": [["client_id", "staff_id", "unit_id", "kind", "valid_from", "valid_to"],
                        [C1, "", "U1", "unit", "2024-01-01", ""],
                        [C2, "", "U2", "unit", "2024-01-01", ""]],
    "provider_authorisations.csv": [["organisation_id", "client_id", "agreement", "phase", "valid_from", "valid_to",
                                     "cancelled_on"],
                                    ["PRO", C3, "framework", "service", "2025-02-01", "2025-06-30", ""]],
    "disclosure_prohibitions.csv": [["client_id", "scope", "target", "valid_from", "valid_to"]],
    "disclosure_permissions.csv": [["client_id", "scope", "valid_from", "valid_to"]],
}

HEADER = ["source_system", "source_event_id", "event_time", "account", "client_id", "action", "service_task",
          "document", "purpose", "emergency", "channel", "organisation_id", "controller_id",
          "recipient_organisation_id", "outcome", "session_id", "search_criteria", "record_count"]

# A working week of March 2025: each day Anna (family social work) reads her unit's client C1 and Pekka (adult
# social work) his unit's client C2 several times, and the provider's Liisa reads C3, whom her employer serves.
DAYS = [datetime(2025, 3, d, tzinfo=UTC) for d in (3, 4, 5, 6, 7)]


def _day_rows(day: datetime, *, extra: list[tuple] = ()) -> list[list[str]]:
    rows = []
    plan = [("anna", C1), ("pekka", C2), ("liisa", C3)] * 3 + list(extra)
    for i, (account, client) in enumerate(plan):
        at = day + timedelta(hours=8, minutes=17 * i)
        rows.append(["sys", f"{day:%Y%m%d}-{i:03d}", at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), account, client, "read",
                     "", "", "", "false", "native", "HVA", "HVA", "", "success", "", "", ""])
    return rows


def _write_day(folder: Path, day: datetime, **kw) -> Path:
    path = folder / f"events-{day:%Y-%m-%d}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([HEADER, *_day_rows(day, **kw)])
    return path


def _write_reference(folder: Path, changes: dict[str, list[list[str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (REFERENCE | (changes or {})).items():
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return folder


def _ingest_late(con, events: Path, event_id: str, account: str, client: str, organisation: str = "HVA", *,
                 action: str = "read", recipient: str = "") -> None:
    """One access to `client` by `account` on 4 March (a read, or a disclosure to `recipient`), arriving in a file of
    its own after that day was checked."""
    late = events / "late.csv"
    with open(late, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(
            [HEADER, ["sys", event_id, "2025-03-04T12:00:00.000000Z", account, client, action, "", "", "", "false",
                      "native", organisation, "HVA", recipient, "success", "", "", ""]])
    ingest_file(con, late)


def _rules_found(findings: set) -> set[tuple[str, str]]:
    return {(rule, str(day)) for rule, _key, day, _events in findings}


def _equals_full(con) -> tuple[set, set]:
    """What the incremental run left; then a full check over the same store must leave exactly that."""
    incremental = _stored(con)
    run_check(con, load_config(), force_full=True)
    assert _stored(con) == incremental
    return incremental


@pytest.fixture(scope="module")
def _checked_week(tmp_path_factory) -> Path:
    """The week's first four days ingested and checked in full, once per module; each test works on a copy."""
    root = tmp_path_factory.mktemp("week")
    events = root / "events"
    events.mkdir()
    con = connect(root / "store.duckdb")
    import_reference(con, _write_reference(root / "reference"))
    for day in DAYS[:4]:
        ingest_file(con, _write_day(events, day))
    first = run_check(con, load_config(), force_full=True)
    assert first.scope.kind == "full"
    con.close()
    return root


@pytest.fixture
def county(_checked_week, tmp_path):
    """A copy of the checked week (store, reference folder and event files) of the test's own."""
    shutil.copytree(_checked_week, tmp_path, dirs_exist_ok=True)
    con = connect(tmp_path / "store.duckdb")
    yield con, tmp_path, tmp_path / "events"
    con.close()


def test_a_new_day_is_checked_alone_and_judged_as_a_full_check_judges_it(county):
    # seed 002: only those who take part in handling the client's matter may process the client's data
    # ("vain ne henkilöt, jotka osallistuvat asiakkaan asian käsittelyyn"): on the new day Anna also reads C2,
    # a client of the adult social work unit she has no part in.
    con, _tmp, events = county
    ingest_file(con, _write_day(events, DAYS[4], extra=[("anna", C2)]))
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    result = run_check(con, load_config())
    assert result.scope.kind == "incremental"
    margin = load_config()["checks"]["incremental_margin_days"]
    assert len(result.scope.dates) == 1 + 2 * margin
    assert result.events_checked < total                       # the margin's days, not the store
    findings, _ = _equals_full(con)
    assert ("involvement_missing", "2025-03-07") in _rules_found(findings)


def test_a_retro_dated_involvement_is_rechecked_on_the_account_days_it_covers_only(county):
    # The same reading of C2 by Anna is stored on 4 March as a finding; the involvement register is later
    # corrected: Anna was C2's work pair from 1 March (a personal involvement, seed 002), so the access was lawful.
    con, tmp, events = county
    ingest_file(con, _write_day(events, DAYS[4], extra=[("anna", C2)]))
    _ingest_late(con, events, "late-1", "anna", C2)
    before = run_check(con, load_config())
    assert ("involvement_missing", "2025-03-04") in _rules_found(_stored(con)[0])
    assert "late-1" not in {e for _s, e, _b in _stored(con)[1]}
    assert before.scope.kind == "incremental"
    involvement = REFERENCE["involvement.csv"] + [[C2, "S1", "", "work_pair", "2025-03-01", ""]]
    import_reference(con, _write_reference(tmp / "reference-2", {"involvement.csv": involvement}))
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    result = run_check(con, load_config())
    assert result.scope.kind == "reference"
    assert result.events_checked < total                        # the account-days with C2's events only
    findings, explanations = _equals_full(con)
    assert not any(rule == "involvement_missing" for rule, _day in _rules_found(findings))
    assert "late-1" in {e for _s, e, _b in explanations}         # now explained by the work pair row


def _registered(con, tmp: Path, table: str, row, period: tuple[str, str]):
    """Checks what is stored, then registers `row(*period)` in `table` and checks what that touches. Returns a
    function (start, end, n) that re-imports the reference data with `row(start, end)` instead (in folder
    reference-n) and checks what that touches, returning the check's result."""
    def register(valid_from: str, valid_to: str, n: int):
        rows = REFERENCE[table] + [row(valid_from, valid_to)]
        import_reference(con, _write_reference(tmp / f"reference-{n}", {table: rows}))
        return run_check(con, load_config())
    run_check(con, load_config())
    register(*period, 1)
    return register


def _anna_reads_c2_as_work_pair(county, period: tuple[str, str]):
    """Anna reads C2 on 4 March (an event ingested late) and the register names her C2's work pair for `period`;
    both are checked. Returns the connection and a function that re-imports the register with another period."""
    con, tmp, events = county
    _ingest_late(con, events, "late-1", "anna", C2)

    register = _registered(con, tmp, "involvement.csv", lambda start, end: [C2, "S1", "", "work_pair", start, end],
                           period)
    assert "late-1" in {e for _s, e, _b in _stored(con)[1]}
    return con, register


def test_an_involvement_whose_period_only_moves_rechecks_only_the_days_it_gained_or_lost(county):
    # seed 002: a personal involvement explains an access on the days it is in force. Extending the work pair's
    # end from 31 March to the end of the year changes nothing on 3-7 March: those days are not re-checked (their
    # whole period was, before the old and new rows were paired), and what is stored is what a full check leaves.
    con, register = _anna_reads_c2_as_work_pair(county, ("2025-03-01", "2025-03-31"))
    result = register("2025-03-01", "2025-12-31", 2)
    assert result.scope.kind == "reference"
    assert result.events_checked == 0
    _findings, explanations = _equals_full(con)
    assert "late-1" in {e for _s, e, _b in explanations}


def test_an_involvement_moved_to_begin_later_rechecks_the_days_it_lost(county):
    # The work pair is found to have begun on 6 March, not 1 March: the reading of 4 March had no involvement.
    con, register = _anna_reads_c2_as_work_pair(county, ("2025-03-01", "2025-03-31"))
    result = register("2025-03-06", "2025-03-31", 2)
    assert result.scope.kind == "reference"
    findings, explanations = _equals_full(con)
    assert ("involvement_missing", "2025-03-04") in _rules_found(findings)
    assert "late-1" not in {e for _s, e, _b in explanations}


def test_an_involvement_whose_period_is_reversed_is_rechecked_over_its_whole_period(county):
    # The same days in the reverse order: a reversed period explains nothing (dq_reversed_period reports it), so
    # every day the row covered changes although its bounds, sorted, are the same.
    con, register = _anna_reads_c2_as_work_pair(county, ("2025-03-01", "2025-03-31"))
    result = register("2025-03-31", "2025-03-01", 2)
    assert result.scope.kind == "reference"
    assert result.events_checked > 0
    findings, explanations = _equals_full(con)
    assert ("involvement_missing", "2025-03-04") in _rules_found(findings)
    assert "late-1" not in {e for _s, e, _b in explanations}


def _anna_discloses_c1_under_a_prohibition(county, period: tuple[str, str]):
    """Anna discloses C1's data to another controller on 4 March (an event ingested late); C1 has prohibited the
    disclosure of the data the county (HVA) holds as controller for `period`, which covers that day. Both are
    checked. Returns the connection and a function that re-imports the prohibitions with another period."""
    con, tmp, events = county
    _ingest_late(con, events, "late-disclosure", "anna", C1, action="disclose", recipient="OTHER-COUNTY")

    register = _registered(con, tmp, "disclosure_prohibitions.csv",
                           lambda start, end: [C1, "controller", "HVA", start, end], period)
    assert ("disclosure_prohibited", "2025-03-04") in _rules_found(_stored(con)[0])
    return con, register


def test_a_disclosure_prohibition_whose_end_moves_later_rechecks_none_of_the_shared_days(county):
    # seed 004 (Kanta, luovutuskielto): a client may prohibit the disclosure of the social-care data one controller
    # holds; the prohibition binds a disclosure on the days it is in force. Extending C1's prohibition from 31 March to the
    # end of the year changes nothing on 3-7 March, so none of those days is re-checked, and the disclosure of
    # 4 March stays a finding, as a full check says.
    con, register = _anna_discloses_c1_under_a_prohibition(county, ("2025-03-01", "2025-03-31"))
    result = register("2025-03-01", "2025-12-31", 2)
    assert result.scope.kind == "reference"
    assert result.events_checked == 0
    findings, _ = _equals_full(con)
    assert ("disclosure_prohibited", "2025-03-04") in _rules_found(findings)


def test_a_disclosure_prohibition_found_to_begin_later_lifts_the_finding_of_the_days_it_lost(county):
    # The prohibition is corrected to have been made on 6 March: the disclosure of 4 March was made before it.
    con, register = _anna_discloses_c1_under_a_prohibition(county, ("2025-03-01", "2025-03-31"))
    result = register("2025-03-06", "2025-03-31", 2)
    assert result.scope.kind == "reference"
    assert 0 < result.events_checked
    findings, _ = _equals_full(con)
    assert ("disclosure_prohibited", "2025-03-04") not in _rules_found(findings)


def test_rows_remembered_before_the_key_hash_existed_get_it_from_the_register_and_are_compared_as_before(county):
    # sql/schema/013: a store upgraded after its last check pairs its involvement rows from the register in force;
    # a row the register no longer holds keeps no key_hash and touches its whole period, as before the pairing.
    con, register = _anna_reads_c2_as_work_pair(county, ("2025-03-01", "2025-03-31"))
    remembered = sorted(con.execute("SELECT * FROM reference_seen").fetchall(), key=str)
    con.execute("UPDATE reference_seen SET key_hash = NULL")
    migration = (Path(__file__).parents[1] / "sql/schema/013_reference_seen_key_hash.sql").read_text(encoding="utf-8")
    con.execute(migration[migration.index("UPDATE reference_seen"):])
    assert sorted(con.execute("SELECT * FROM reference_seen").fetchall(), key=str) == remembered
    con.execute("UPDATE reference_seen SET key_hash = NULL")
    result = register("2025-03-01", "2025-12-31", 2)
    assert result.scope.kind == "reference"
    assert result.events_checked > 0                             # unpaired: both whole periods re-checked
    _equals_full(con)


def test_authorisations_remembered_from_their_start_on_are_not_taken_for_changes_after_the_upgrade(county):
    # sql/schema/014: a provider authorisation touches all of its client's events now; the rows remembered with the
    # old period (from the row's start on) get the new one, so the first reference change after the upgrade does
    # not take every authorisation for changed. The change here, C1's unit involvement given an end in 2030, gains
    # and loses no day with events: nothing is re-checked (C3's authorised reads would be, were it taken so).
    con, tmp, _events = county
    con.execute("UPDATE reference_seen SET valid_from = DATE '2025-02-01' WHERE table_name = 'provider_authorisations'")
    migration = (Path(__file__).parents[1] / "sql/schema/014_reference_seen_authorisation_period.sql").read_text(
        encoding="utf-8")
    con.execute(migration[migration.index("UPDATE reference_seen"):])
    involvement = [r[:] for r in REFERENCE["involvement.csv"]]
    involvement[1][-1] = "2030-12-31"
    import_reference(con, _write_reference(tmp / "reference-2", {"involvement.csv": involvement}))
    result = run_check(con, load_config())
    assert result.scope.kind == "reference"
    assert result.events_checked == 0


def _corrected(county, table: str, *, row: int, last_field: str) -> set:
    """Re-imports the reference data with one row's last field (its end date) corrected, checks what that touches,
    and returns the findings, which must equal a full check's."""
    con, tmp, _events = county
    rows = [r[:] for r in REFERENCE[table]]
    rows[row][-1] = last_field
    import_reference(con, _write_reference(tmp / "reference-2", {table: rows}))
    assert run_check(con, load_config()).scope.kind == "reference"
    findings, _ = _equals_full(con)
    return findings


def test_an_employment_found_to_have_ended_earlier_turns_the_later_days_into_findings(county):
    # seed 003 §13A: access rights are removed when the employment ends; the register is corrected to say Pekka's
    # employment ended on 4 March, so his reads on 5 and 6 March were made outside employment.
    findings = _corrected(county, "staff.csv", row=2, last_field="2025-03-04")
    outside = {day for rule, day in _rules_found(findings) if rule == "account_outside_employment"}
    assert outside == {"2025-03-05", "2025-03-06"}


def test_a_provider_authorisation_cancelled_after_the_fact_is_rechecked_from_the_cancellation_on(county):
    # seed 000 §4–5: a provider sees a client's identifiable data only while it is authorised for that client;
    # the authorisation is recorded as cancelled on 5 March, so Liisa's reads of C3 on 5–6 March lack a basis.
    findings = _corrected(county, "provider_authorisations.csv", row=1, last_field="2025-03-05")
    provider_days = {day for rule, day in _rules_found(findings) if rule == "provider_outside_authorisation"}
    assert provider_days == {"2025-03-05", "2025-03-06"}


def test_a_provider_authorisation_registered_later_rewords_the_earlier_findings_as_before_its_start(county):
    # seed 000 §4-5: a provider sees a client's identifiable data only while it is authorised for that client.
    # Liisa (the provider's) reads C1 on 4 March, for whom her employer holds no authorisation: a finding that says
    # 'never_authorised'. An authorisation from June is registered afterwards; the March read still lacks a basis,
    # but the finding must now say it came before the authorisation began, as a full check says.
    con, tmp, events = county
    _ingest_late(con, events, "late-liisa", "liisa", C1, organisation="PRO")
    run_check(con, load_config())
    assert _provider_subtypes(con) == {"2025-03-04": "never_authorised"}
    authorisations = REFERENCE["provider_authorisations.csv"] + [
        ["PRO", C1, "framework", "service", "2025-06-01", "2025-12-31", ""]]
    import_reference(con, _write_reference(tmp / "reference-2", {"provider_authorisations.csv": authorisations}))
    assert run_check(con, load_config()).scope.kind == "reference"
    assert _provider_subtypes(con) == {"2025-03-04": "before_start"}
    incremental = _columns(con)
    run_check(con, load_config(), force_full=True)
    assert _columns(con) == incremental


def _provider_subtypes(con) -> dict[str, str]:
    return {str(day): json.loads(evidence)["subtype"] for day, evidence in con.execute(
        "SELECT event_date, CAST(evidence AS VARCHAR) FROM findings WHERE rule_id = 'provider_outside_authorisation'"
    ).fetchall()}


def test_nothing_new_since_the_last_check_rechecks_nothing(county):
    con, _tmp, _events = county
    stored = _stored(con)
    result = run_check(con, load_config())
    assert result.scope.kind == "none"
    assert _stored(con) == stored


# ---- the summaries the incremental check reads instead of the events -----------------------------------------

SUMMARY_OF_EVENTS = """
SELECT 'sources', source_system, NULL, NULL, event_date, count(*) FROM events GROUP BY ALL
UNION ALL
SELECT 'accounts', source_system, account, client_id, event_date, count(*) FROM events GROUP BY ALL
"""
SUMMARIES = """
SELECT 'sources', source_system, NULL, NULL, event_date, sum(events) FROM source_day_counts GROUP BY ALL
UNION ALL
SELECT 'accounts', source_system, account, client_id, event_date, sum(events) FROM account_client_days GROUP BY ALL
"""


def _summaries_match(con) -> bool:
    return set(con.execute(SUMMARY_OF_EVENTS).fetchall()) == set(con.execute(SUMMARIES).fetchall())


def test_ingest_keeps_the_summaries_and_re_ingesting_a_file_adds_nothing(county):
    con, _tmp, events = county
    assert _summaries_match(con)
    rows = con.execute("SELECT count(*) FROM source_day_counts").fetchone()[0]
    ingest_file(con, events / "events-2025-03-04.csv")          # the same file again: no new events
    assert _summaries_match(con)
    assert con.execute("SELECT count(*) FROM source_day_counts").fetchone()[0] == rows
    first, last = con.execute("SELECT min(run_id), max(run_id) FROM ingest_runs").fetchone()
    summarise_runs(con, first, last)                              # summarising again replaces, never adds
    assert _summaries_match(con)


def test_events_removed_behind_the_summaries_back_make_the_check_rebuild_them(county):
    # A retention purge deletes events of a past period; the summaries must follow before a check relies on them.
    con, _tmp, _events = county
    con.execute("DELETE FROM events WHERE event_date = DATE '2025-03-03'")
    assert not summaries_current(con)
    assert ensure_summaries(con)
    assert _summaries_match(con)
    assert not ensure_summaries(con)                              # current again: nothing to do


@pytest.mark.parametrize("skew_minutes", [0, 1, 5, 7])
def test_the_silent_source_counts_leave_out_exactly_the_events_stamped_past_the_skew_tolerance(county, skew_minutes):
    # log_silent_source counts an event on its day only if event_time <= its run's start + the tolerance; the
    # summary rounds the lead up to whole minutes, which must keep every boundary exact (±1 µs).
    con, _tmp, _events = county
    run = con.execute("SELECT max(run_id) FROM ingest_runs").fetchone()[0]
    t0 = con.execute("SELECT min(event_time) FROM events WHERE run_id = ?", [run]).fetchone()[0]
    leads = [-60_000_000, 0, 1, 59_999_999, 60_000_000, 60_000_001, 300_000_000, 300_000_001, 420_000_000]
    ids = [r[0] for r in con.execute(
        "SELECT source_event_id FROM events WHERE run_id = ? ORDER BY source_event_id", [run]).fetchall()]
    for source_event_id, lead in zip(ids, leads, strict=False):
        con.execute("UPDATE events SET event_time = ? + to_microseconds(?) WHERE source_event_id = ?",
                    [t0, lead, source_event_id])
    con.execute("UPDATE ingest_runs SET started_at = ? WHERE run_id = ?", [t0, run])
    summarise_runs(con, run, run)
    direct = con.execute(
        "SELECT count(*) FROM events e JOIN ingest_runs r USING (run_id) WHERE e.run_id = $run "
        "AND e.event_time <= r.started_at + to_minutes(CAST($skew AS BIGINT))",
        {"run": run, "skew": skew_minutes}).fetchone()[0]
    summarised = con.execute(
        "SELECT coalesce(sum(events), 0) FROM source_day_counts WHERE run_id = $run "
        "AND ahead_minutes <= CAST($skew AS BIGINT)", {"run": run, "skew": skew_minutes}).fetchone()[0]
    assert summarised == direct
    assert 0 < direct


def test_a_store_from_before_the_summaries_gets_them_built_before_its_first_check(tmp_path):
    import duckdb

    from pipelines.store import migrate

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    migrate(con, up_to=9)
    con.execute("INSERT INTO ingest_runs (run_id, path, file_name, format, started_at, status) "
                "VALUES (1, '/x/old.csv', 'old.csv', 'canonical_csv', TIMESTAMPTZ '2025-03-10 08:00:00+00', 'done')")
    for i, (day, account, client) in enumerate([("2025-03-03", "anna", C1), ("2025-03-03", "anna", C1),
                                                ("2025-03-04", "pekka", C2), ("2025-03-04", None, None)]):
        con.execute("INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, "
                    "account, client_id, action, emergency, run_id, record_no) VALUES ('sys', ?, "
                    "CAST(? AS DATE) + INTERVAL 8 HOUR, CAST(? AS DATE) + INTERVAL 10 HOUR, CAST(? AS DATE), ?, ?, "
                    "'read', false, 1, ?)", [f"OLD-{i}", day, day, day, account, client, i + 1])
    con.close()
    upgraded = connect(path)
    try:
        assert not summaries_current(upgraded)          # upgraded: the tables exist, empty
        assert ensure_summaries(upgraded)                # what a check does first: built once from the events
        assert _summaries_match(upgraded)
        assert summaries_current(upgraded)
        assert upgraded.execute("SELECT sum(events) FROM account_client_days WHERE account IS NULL").fetchone()[0] == 1
    finally:
        upgraded.close()
