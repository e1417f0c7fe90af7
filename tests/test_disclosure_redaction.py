"""What the law withholds: secret whereabouts, a minor's prohibition, the deceased, old logs, repeats."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from disclosure_county import (
    ADULT,
    CHILD,
    DEAD,
    LAPSED,
    PLACEMENT_UNIT,
    PLACEMENT_WORKER,
    PROVIDER_NAME,
    PROVIDER_UNIT,
    PROVIDER_WORKER,
    TEEN,
)

from pipelines.disclosure import build_answer, decide, export_answer, get_request, register_request
from pipelines.store import connect

TODAY = date(2026, 6, 2)
LOCATING = (PROVIDER_NAME, PROVIDER_UNIT, PROVIDER_WORKER, PLACEMENT_UNIT, PLACEMENT_WORKER, "PRV1", "U_PK", "U_SIJ")


def _request(work, client, relation, start="2026-01-01", end="2026-12-31", received="2026-06-01", **kw):
    return register_request(work, client_id=client, relation=relation, period_from=start, period_to=end,
                            received_on=received, **kw)


def _exported(county, client, relation, **kw):
    """(request, result) of exporting the answer to a new request of `relation` about `client`, in Finnish."""
    store, work = county
    request = _request(work, client, relation, **kw)
    con = connect(store, read_only=True)
    try:
        return request, export_answer(con, work, request, work.parent / "out", "fi", today=TODAY)
    finally:
        con.close()


def _decide_and_answer(county, client, relation, **kw):
    store, work = county
    request = _request(work, client, relation, **kw)
    con = connect(store, read_only=True)
    try:
        decision = decide(con, work, request, today=TODAY)
        answer = build_answer(con, request, work_path=work, lang="fi", decision=decision) \
            if decision.outcome == "deliver" else None
    finally:
        con.close()
    return decision, answer


def _all_text(frame: pl.DataFrame) -> str:
    return " ".join(str(v) for row in frame.iter_rows() for v in row if v is not None)


def test_a_guardian_never_learns_where_a_child_in_a_secret_placement_lives(county):
    decision, answer = _decide_and_answer(county, CHILD, "guardian")
    assert decision.outcome == "deliver" and decision.redact_location
    assert answer.height == 4                                   # every use is still listed
    text = _all_text(answer)
    for word in LOCATING:
        assert word not in text
    assert "hyvinvointialueen lastensuojelu" in text
    county_worker = answer.filter(pl.col("source_event_id") == "pc-c1").row(0, named=True)
    assert county_worker["worker"] == "Anna Aaltonen"          # a county social worker does not locate the child


def test_the_child_asking_for_themself_gets_the_unredacted_answer(county):
    decision, answer = _decide_and_answer(county, CHILD, "self")
    assert not decision.redact_location
    assert PROVIDER_NAME in _all_text(answer)


def test_a_secret_placement_decision_that_has_ended_no_longer_redacts(county):
    decision, answer = _decide_and_answer(county, LAPSED, "guardian")
    assert decision.outcome == "deliver" and not decision.redact_location
    assert PROVIDER_NAME in _all_text(answer)


def test_a_minor_who_forbids_disclosure_to_guardians_holds_the_request_for_a_professional(county):
    work = county[1]
    request, result = _exported(county, TEEN, "guardian")
    assert result.decision.outcome == "held_for_decision" and result.exit_code == 10
    assert result.paths == {}                                   # nothing goes out automatically
    stored = get_request(work, request.request_id)
    assert stored.status == "held_for_decision" and "812/2000" in stored.decision


def test_the_teenager_asking_for_themself_is_answered(county):
    decision, _ = _decide_and_answer(county, TEEN, "self")
    assert decision.outcome == "deliver"


def test_a_minor_not_capable_of_deciding_lets_the_guardian_receive_the_answer(county):
    decision, _ = _decide_and_answer(county, CHILD, "guardian")
    assert decision.outcome == "deliver"


def test_a_deceased_clients_logs_are_held_with_the_reason_stated(county):
    decision, _ = _decide_and_answer(county, DEAD, "representative")
    assert decision.outcome == "held_for_decision"
    assert "deceased" in " ".join(decision.reason_texts("en"))


def test_an_unknown_client_is_held_until_the_identity_is_checked(county):
    decision, _ = _decide_and_answer(county, "010101-999X", "self")
    assert decision.outcome == "held_for_decision"


def test_a_period_wholly_older_than_two_years_is_refused_by_a_written_decision(county):
    work = county[1]
    request, result = _exported(county, ADULT, "self", start="2023-01-01", end="2024-05-31")
    assert result.decision.outcome == "refused" and result.exit_code == 11
    assert set(result.paths) == {"decision"}
    assert get_request(work, request.request_id).status == "refused"


def test_the_part_older_than_two_years_is_refused_and_the_rest_answered(county):
    decision, answer = _decide_and_answer(county, ADULT, "self", start="2023-01-01")
    assert decision.outcome == "deliver" and decision.needs_written_decision
    assert (decision.refused_from, decision.refused_to, decision.released_from) == (
        date(2023, 1, 1), date(2024, 5, 31), date(2024, 6, 1))
    assert "pc-old" not in answer["source_event_id"].to_list()


def test_a_recorded_special_reason_releases_the_older_logs(county):
    decision, answer = _decide_and_answer(county, ADULT, "self", start="2023-01-01",
                                          special_reason="court case about the 2023 placement")
    assert decision.refused_from is None and not decision.needs_written_decision
    assert "pc-old" in answer["source_event_id"].to_list()


def test_a_repeated_request_is_marked_as_chargeable_in_the_decision(county):
    _store, work = county
    _request(work, ADULT, "self", received="2026-02-01")
    decision, _ = _decide_and_answer(county, ADULT, "self", received="2026-06-01")
    assert decision.repeated_of == "LS-2026-0001"


def test_in_the_synthetic_county_a_guardian_sees_no_provider_or_placement_unit_of_a_secret_placement(
        small_store, tmp_path):
    con = connect(small_store, read_only=True)
    try:
        client = con.execute(
            "SELECT c.client_id FROM ref_clients c JOIN events e USING (client_id) "
            "JOIN ref_organisations o ON o.organisation_id = e.organisation_id "
            "WHERE c.placement_secret AND c.placement_secret_until >= ? "
            "AND c.deceased_on IS NULL AND coalesce(c.minor_capacity, '') <> 'prohibits_guardians' "
            "AND o.kind = 'private_provider' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", [TODAY]).fetchall()
        if not client:
            pytest.skip("no secret placement with provider access in the loaded month")
        client = client[0][0]
        hidden = {r[0] for r in con.execute(
            "SELECT name FROM ref_organisations WHERE kind = 'private_provider' UNION "
            "SELECT u.name FROM ref_units u LEFT JOIN ref_organisations o USING (organisation_id) "
            "WHERE u.service_task = 'placement' OR o.kind = 'private_provider' UNION "
            "SELECT s.full_name FROM ref_staff s JOIN ref_organisations o USING (organisation_id) "
            "WHERE o.kind = 'private_provider'").fetchall() if r[0]}
        request = _request(tmp_path / "w.sqlite", client, "guardian", start="2026-05-01", end="2026-05-31")
        decision = decide(con, tmp_path / "w.sqlite", request, today=TODAY)
        answer = build_answer(con, request, lang="fi", decision=decision)
    finally:
        con.close()
    assert decision.outcome == "deliver" and decision.redact_location
    assert answer.height > 0
    text = _all_text(answer)
    assert hidden and "hyvinvointialueen lastensuojelu" in text      # provider rows were there, and neutralised
    assert not [name for name in hidden if name in text]
