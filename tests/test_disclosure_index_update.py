"""After a check, the client-sorted copy is brought up to date for the client-days the check examined only, and
then answers exactly what a copy rebuilt from the whole store answers.

A request for one's access log (asiakastietolaki 703/2023 and GDPR art. 15) must be answered from what the store
holds now: a new day's events, and the bases and findings a retro-dated reference change alters, must reach the
answer after the check that examined them, without the whole copy being built again after every day.
"""

from __future__ import annotations

import copy
import csv
import shutil
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.checks.runner import explained_share, run_check
from pipelines.config import load_config
from pipelines.disclosure import answer_events, ensure_client_index
from pipelines.disclosure.index import read_index_state, update_client_index
from pipelines.ingest.engine import ingest_file
from pipelines.reference import import_reference
from pipelines.store import connect


def _config() -> dict:
    config = copy.deepcopy(load_config())
    config["store"]["check_partition_events"] = 10**12
    return config


def _event_files(county: Path) -> list[Path]:
    return sorted(p for p in (county / "events").rglob("*") if p.is_file())


def _last_files(county: Path) -> list[Path]:
    """Each source's latest export: the new days a later ingest adds."""
    latest = {}
    for path in _event_files(county):
        latest[path.parent] = path
    return sorted(latest.values())


@pytest.fixture(scope="module")
def indexed_county(tmp_path_factory, small_county):
    """The small county without each source's last export, checked in full, with its copy built."""
    store = tmp_path_factory.mktemp("index_update") / "store.duckdb"
    con = connect(store)
    import_reference(con, small_county / "reference")
    later = set(_last_files(small_county))
    for path in _event_files(small_county):
        if path not in later:
            ingest_file(con, path)
    result = run_check(con, _config(), force_full=True)
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "built"
    con.close()
    return store


@pytest.fixture
def county_copy(indexed_county, tmp_path):
    """A connection to a copy of the indexed county, which each test may change."""
    store = tmp_path / "store.duckdb"
    shutil.copyfile(indexed_county, store)
    con = connect(store)
    yield con
    con.close()


def _withdrawn_responsible_worker(con, reference: Path, out: Path) -> str:
    """The reference folder with its earliest-starting responsible-worker row of the client whose accesses it
    explains most often moved to start a day after that client's last event (a retro-dated correction: the worker
    was named later than first recorded); the client."""
    shutil.copytree(reference, out)
    path = out / "involvement.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = {name: i for i, name in enumerate(rows[0])}
    explained = dict(con.execute(
        "SELECT client_id, count(*) FROM explanations WHERE basis = 'responsible_worker' GROUP BY 1").fetchall())
    candidates = [r for r in rows[1:] if r[col["kind"]] == "responsible_worker" and r[col["staff_id"]]]
    row = max(candidates, key=lambda r: (explained.get(r[col["client_id"]], 0), r[col["client_id"]]))
    last = con.execute("SELECT max(event_date) FROM events WHERE client_id = ?", [row[col["client_id"]]]).fetchone()[0]
    row[col["valid_from"]] = (last + timedelta(days=1)).isoformat()
    if row[col["valid_to"]] and row[col["valid_to"]] < row[col["valid_from"]]:
        row[col["valid_to"]] = row[col["valid_from"]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return row[col["client_id"]]


def _answers(con) -> dict[str, pl.DataFrame]:
    assert read_index_state(con) is not None, "the copy should be fresh"
    clients = [r[0] for r in con.execute(
        "SELECT client_id FROM disclosure_index_clients ORDER BY 1").fetchall()]
    return {c: answer_events(con, c, "2000-01-01", "2100-12-31", build_index=False) for c in clients}


def _clients_table(con) -> list[tuple]:
    """The copy's per-client counts and median dates, and its per-client-day counts (which tell an update what
    the copy holds and give those counts without reading the copy)."""
    return (con.execute("SELECT * FROM disclosure_index_clients ORDER BY client_id").fetchall()
            + con.execute("SELECT client_id, event_date, sum(row_count) FROM disclosure_index_client_days "
                          "GROUP BY ALL HAVING sum(row_count) <> 0 ORDER BY ALL").fetchall())


def _assert_update_equals_rebuild(con) -> None:
    updated, updated_clients = _answers(con), _clients_table(con)
    ensure_client_index(con, force=True)
    rebuilt, rebuilt_clients = _answers(con), _clients_table(con)
    assert updated.keys() == rebuilt.keys()
    for client, frame in rebuilt.items():
        assert updated[client].equals(frame), client
    assert updated_clients == rebuilt_clients


@pytest.mark.parametrize("parallel_rows", [None, 1])
def test_after_a_new_days_check_the_updated_copy_answers_what_a_rebuilt_one_does(county_copy, small_county,
                                                                                 monkeypatch, parallel_rows):
    # parallel_rows 1: every client's answer is read in halves, so the copy keeps every client's median date and
    # the update recounts the touched clients' medians from the client-days
    con = county_copy
    if parallel_rows is not None:
        import pipelines.disclosure.index as index_module

        monkeypatch.setattr(index_module, "PARALLEL_ROWS", parallel_rows)
        ensure_client_index(con, force=True)
        assert con.execute("SELECT count(*) FROM disclosure_index_clients WHERE mid_date IS NULL").fetchone()[0] == 0
    before = con.execute("SELECT count(*) FROM disclosure_events_by_client").fetchone()[0]
    for path in _last_files(small_county):
        ingest_file(con, path)
    result = run_check(con, _config())
    assert result.scope.kind == "incremental"
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "updated"
    assert con.execute("SELECT count(*) FROM disclosure_events_by_client").fetchone()[0] > before
    _assert_update_equals_rebuild(con)


def test_after_a_retro_dated_involvement_the_updated_copy_answers_what_a_rebuilt_one_does(county_copy, tmp_path,
                                                                                         small_county):
    # asiakastietolaki 703/2023 9 §: access rests on the worker's involvement on the day of the access; when the
    # record is corrected to start later, the earlier reads lose that basis, and the client's answer must show
    # it once the check has re-examined those days
    con = county_copy
    client = _withdrawn_responsible_worker(con, small_county / "reference", tmp_path / "reference")
    before = _answers(con)
    import_reference(con, tmp_path / "reference")
    result = run_check(con, _config())
    assert result.scope.kind == "reference" and result.events_checked > 0
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "updated"
    after = _answers(con)
    assert not after[client].equals(before[client]), "the re-examined days' bases should reach the answer"
    _assert_update_equals_rebuild(con)


def _verdicts(con) -> dict[tuple[str, str], tuple]:
    """Per event of a client: (client, date, its basis, the findings it is in): what the client's answer shows."""
    rows = con.execute(
        "SELECT e.source_system, e.source_event_id, upper(e.client_id), e.event_date, x.basis, "
        "list(fe.finding_id ORDER BY fe.finding_id) FILTER (WHERE fe.finding_id IS NOT NULL) "
        "FROM events e LEFT JOIN explanations x USING (run_id, record_no) "
        "LEFT JOIN finding_events fe USING (source_system, source_event_id) "
        "WHERE e.client_id IS NOT NULL GROUP BY ALL").fetchall()
    return {(s, e): (c, str(d), b, tuple(f or [])) for s, e, c, d, b, f in rows}


def test_a_retro_dated_check_reads_only_its_account_days_and_hands_on_only_the_client_days_it_changed(
        county_copy, tmp_path, small_county):
    # A retro-dated row re-checks whole account-days (a mass-access window never leaves one), but of their events
    # only those whose basis or findings changed alter what a client's answer shows: the check reads the
    # account-days' events and no others, and hands the copy exactly the client-days of the changed events, so
    # that neither the re-check nor the copy's update costs what the store holds
    con = county_copy
    _withdrawn_responsible_worker(con, small_county / "reference", tmp_path / "reference")
    before = _verdicts(con)
    import_reference(con, tmp_path / "reference")
    result = run_check(con, _config())
    assert result.scope.kind == "reference"
    fetched = con.execute("SELECT count(*) FROM chk_scope_rowids").fetchone()[0]
    assert fetched == result.events_checked     # the rows every read of the partition fetches: its account-days'
    after = _verdicts(con)
    changed = {(c, d) for key, (c, d, *_verdict) in after.items() if before.get(key) != after[key]}
    assert changed, "the withdrawn worker's reads should lose their basis"
    examined = {(c.upper(), str(d)) for c, d in con.execute(
        "SELECT DISTINCT client_id, event_date FROM chk_acd_keys WHERE client_id IS NOT NULL").fetchall()}
    touched = {(c.upper(), str(d)) for c, d in con.execute("SELECT client_id, event_date FROM chk_touched").fetchall()}
    assert touched == changed
    assert touched < examined                   # the account-days' other clients are left as they were
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "updated"
    _assert_update_equals_rebuild(con)


def _examined_and_touched(con) -> tuple[set, set]:
    """The client-days the run's (one) partition examined, and those it handed on (chk_touched), upper-cased."""
    examined = {(c.upper(), str(d)) for c, d in con.execute(
        "SELECT DISTINCT client_id, event_date FROM chk_acd_keys WHERE client_id IS NOT NULL").fetchall()}
    touched = {(c.upper(), str(d)) for c, d in con.execute("SELECT client_id, event_date FROM chk_touched").fetchall()}
    return examined, touched


def _changed_client_days(before: dict, after: dict) -> set:
    """The client-days of the events whose verdict (basis, findings) changed, a new event with a verdict among them
    (a new event without one has nothing to change: the copy's update adds its client-day as a new event's)."""
    return {(c, d) for key, (c, d, basis, findings) in after.items()
            if before.get(key, (c, d, None, ())) != after[key]}


def _journalled_explanations(con) -> set:
    """The client-days the last check run journalled for the published snapshot's explanations."""
    return {(c.upper(), str(d)) for c, d in con.execute(
        "SELECT client_id, event_date FROM snapshot_journal_days WHERE client_id IS NOT NULL AND seq = "
        "(SELECT max(seq) FROM snapshot_journal WHERE family = 'explanations')").fetchall()}


def test_a_new_days_check_hands_on_only_the_client_days_whose_verdicts_changed_not_its_whole_margin(
        county_copy, small_county):
    # A new day is re-checked with incremental_margin_days around it, because a window may reach across midnight;
    # but the margin's days keep their verdicts unless one of the new events changed them. The explanations,
    # the client copy and the published snapshot then replace the client-days whose content changed (the new
    # events' own among them), not every client-day of the margin, so the step costs what the day changed
    con = county_copy
    before = _verdicts(con)
    for path in _last_files(small_county):
        ingest_file(con, path)
    result = run_check(con, _config())
    assert result.scope.kind == "incremental" and len(result.scope.dates) > 1
    after = _verdicts(con)
    examined, touched = _examined_and_touched(con)
    new_days = {(c, d) for key, (c, d, *_verdict) in after.items() if key not in before}
    assert touched == _changed_client_days(before, after)
    assert touched & new_days and touched <= examined
    assert not touched - new_days, "no new event changed an earlier event's verdict here"
    assert examined - new_days, "the margin's earlier days are examined"
    assert _journalled_explanations(con) == touched
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "updated"
    _assert_update_equals_rebuild(con)


def _late_mass_access(con, out: Path, clients: int) -> tuple[tuple[str, str], str]:
    """A late export holding `clients` reads by the account of an explained read, within minutes after it and each
    of another known client: the account now reads very many clients in an hour (mass_access), and the explained
    read is in that window. Returns the read's key and the file."""
    source, event_id, account, event_time = con.execute(
        "SELECT e.source_system, e.source_event_id, e.account, e.event_time FROM events e "
        "JOIN explanations x USING (run_id, record_no) "
        "WHERE e.action = 'read' AND e.account IS NOT NULL ORDER BY e.event_time, e.source_event_id LIMIT 1"
    ).fetchone()
    con.execute(
        "COPY (SELECT e.source_system, e.source_event_id || '~late' || n AS source_event_id, "
        "strftime(timezone('UTC', e.event_time) + to_seconds(n), '%Y-%m-%dT%H:%M:%S.%fZ') AS event_time, "
        "e.account, c.client_id, e.action, e.service_task, e.document, e.purpose, "
        "CASE WHEN e.emergency THEN 'true' ELSE 'false' END AS emergency, e.channel, e.organisation_id, "
        "e.controller_id, e.recipient_organisation_id, e.outcome, e.session_id, e.search_criteria, e.record_count "
        "FROM events e, (SELECT client_id, row_number() OVER (ORDER BY client_id) AS n FROM ref_clients "
        "  WHERE client_id <> (SELECT client_id FROM events WHERE source_system = $s AND source_event_id = $i)) c "
        "WHERE e.source_system = $s AND e.source_event_id = $i AND c.n <= $clients) "
        f"TO '{out}' (HEADER)", {"s": source, "i": event_id, "clients": clients})
    assert account is not None and event_time is not None
    return (source, event_id), str(out)


def test_a_late_event_that_changes_an_earlier_events_verdict_hands_on_that_events_client_day_too(
        county_copy, tmp_path):
    # Events that arrive late for a day already checked may change the verdict of that day's stored events: here
    # the account's reads reach mass_access_distinct_clients clients within the hour, so its earlier, explained
    # read is now in a mass-access finding (asiakastietolaki 703/2023 10 §: use is monitored) and loses its
    # explanation. Its client-day must reach the client copy and the snapshot as well as the late events' own;
    # the day's other client-days keep their verdicts and are left as they were
    con = county_copy
    limit = int(_config()["checks"]["mass_access_distinct_clients"])
    (source, event_id), path = _late_mass_access(con, tmp_path / "late.csv", limit)
    before = _verdicts(con)
    ingest_file(con, Path(path))
    result = run_check(con, _config())
    assert result.scope.kind == "incremental"
    after = _verdicts(con)
    assert before[(source, event_id)][2] is not None and after[(source, event_id)][2] is None
    assert any(f for f in after[(source, event_id)][3]), "the earlier read is in a finding now"
    examined, touched = _examined_and_touched(con)
    client, day = before[(source, event_id)][:2]
    new_days = {(c, d) for key, (c, d, *_verdict) in after.items() if key not in before}
    assert (client, day) in touched and (client, day) not in new_days
    assert touched == _changed_client_days(before, after)
    assert touched < examined
    assert _journalled_explanations(con) == touched
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "updated"
    _assert_update_equals_rebuild(con)


def test_a_new_days_check_keeps_what_the_last_check_remembered_of_the_reference_and_a_later_change_is_found(
        county_copy, tmp_path, small_county):
    # A new day does not change the reference data (only an import does, and it changes the fingerprint), so the
    # rows the last check remembered stay what the next check compares with: a retro-dated correction imported
    # after the new day is still found, and only the account-days it touches are re-checked
    con = county_copy
    remembered = sorted(con.execute("SELECT * FROM reference_seen").fetchall())
    for path in _last_files(small_county):
        ingest_file(con, path)
    assert run_check(con, _config()).scope.kind == "incremental"
    assert sorted(con.execute("SELECT * FROM reference_seen").fetchall()) == remembered
    _withdrawn_responsible_worker(con, small_county / "reference", tmp_path / "reference")
    import_reference(con, tmp_path / "reference")
    result = run_check(con, _config())
    events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert result.scope.kind == "reference" and 0 < result.events_checked < events
    assert sorted(con.execute("SELECT * FROM reference_seen").fetchall()) != remembered


def test_after_a_full_check_the_copy_is_built_as_no_client_days_were_handed_on(county_copy, small_county):
    """A full check examined every client-day and keeps no list of them (sql/checks/_runner.sql forget_touched): an
    update asked for all the same builds the copy, rather than failing or reading a missing list as "nothing
    changed" and leaving out the new day and every changed verdict."""
    con = county_copy
    for path in _last_files(small_county):
        ingest_file(con, path)
    result = run_check(con, _config(), force_full=True)
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "built"
    _assert_update_equals_rebuild(con)


def test_a_copy_that_missed_a_check_is_rebuilt_rather_than_updated(county_copy, small_county):
    con = county_copy
    for path in _last_files(small_county):
        ingest_file(con, path)
    run_check(con, _config())            # its duties never ran: the copy does not hold this run's results
    result = run_check(con, _config(), force_full=True)
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "built"
    assert read_index_state(con) is not None


def test_a_new_day_whose_values_would_outgrow_a_columns_codes_rebuilds_the_copy(county_copy, small_county,
                                                                                 monkeypatch):
    """A coded column's new values are appended to its dictionary; when that would pass the codes' limit the update
    gives way to a build (where the column stays text), and the copy still answers what a rebuild does."""
    import pipelines.disclosure.index as index_module

    con = county_copy
    coded = "SELECT count(slot) FROM disclosure_index_layout"
    coded_before = con.execute(coded).fetchone()[0]
    largest = con.execute("SELECT max(len(dictionary)) FROM disclosure_index_layout").fetchone()[0]
    for path in _last_files(small_county):
        ingest_file(con, path)
    result = run_check(con, _config())
    monkeypatch.setattr(index_module, "MAX_CODED", largest)
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "built"
    assert con.execute(coded).fetchone()[0] < coded_before  # the column that outgrew its codes stays text
    _assert_update_equals_rebuild(con)


def test_a_full_checks_explained_share_of_its_events_is_the_whole_stores(county_copy):
    # the share the check step reports is collected partition by partition over the events it examined; over a
    # full check that is every event, so it must be the store's explained share (sql/findings/explained_share.sql)
    con = county_copy
    config = _config()
    config["store"]["check_partition_events"] = 5_000
    result = run_check(con, config, force_full=True)
    assert result.partitions > 1
    whole = explained_share(con)
    assert result.shares.rows() == whole.rows()
    assert whole["explained"].sum() > 0


def test_after_scoring_the_copy_lists_the_models_cases_with_the_events_they_question(indexed_county, tmp_path):
    # 703/2023 and GDPR art. 15: the answer lists with each access the findings that question it, the anomaly
    # model's cases among them (all_rows.sql). A scoring run replaces those cases, so the copy must follow it;
    # before it did, a later check marked the copy fresh while every model case was missing from it.
    from pipelines.steps import score

    store = tmp_path / "store.duckdb"
    shutil.copyfile(indexed_county, store)
    result = score(store, config=_config())
    assert result.ok and result.detail["flagged"] > 0
    con = connect(store)
    try:
        missing = con.execute(
            "SELECT count(*) FROM finding_events fe JOIN findings f ON f.finding_id = fe.finding_id "
            "JOIN disclosure_events_by_client c ON c.source_event_id = fe.source_event_id "
            "WHERE f.category = 'model' AND NOT list_contains(coalesce(c.finding_ids, []), fe.finding_id)"
        ).fetchone()[0]
        model_events = con.execute(
            "SELECT count(*) FROM finding_events fe JOIN findings f USING (finding_id) WHERE f.category = 'model'"
        ).fetchone()[0]
        assert model_events > 0 and missing == 0
        _assert_update_equals_rebuild(con)
    finally:
        con.close()
    # the same cases found again touch no client-day, and the copy stays fresh
    again = score(store, config=_config())
    assert again.ok
    con = connect(store)
    try:
        assert read_index_state(con) is not None, "the copy should be fresh after a re-score"
    finally:
        con.close()


def test_a_copy_built_before_it_followed_the_models_cases_is_built_again_not_updated(county_copy, small_county):
    # a store upgraded from a version whose score step left the copy's model cases as they were: an update would
    # replace only the checked client-days and call the rest fresh, so the copy is rebuilt once instead
    con = county_copy
    con.execute("DELETE FROM disclosure_index_state WHERE key = 'model_run'")
    for path in _last_files(small_county):
        ingest_file(con, path)
    result = run_check(con, _config())
    assert update_client_index(con, "chk_touched", previous_check_run=result.previous_check_run_id) == "built"
    assert read_index_state(con) is not None
