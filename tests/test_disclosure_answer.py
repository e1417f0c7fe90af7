"""The answer lists every use and disclosure of the client's data in the period — and nothing else."""

from __future__ import annotations

from datetime import date

import polars as pl
from disclosure_county import ADULT

from pipelines.disclosure import (
    answer_events,
    build_answer,
    ensure_client_index,
    reasoned_view,
    register_request,
)
from pipelines.disclosure.index import index_is_fresh
from pipelines.store import connect

INDEPENDENT = (
    "SELECT source_system, source_event_id, event_local, action, document FROM events "
    "WHERE client_id = ? AND event_date BETWEEN ? AND ? ORDER BY source_system, source_event_id"
)


def _ro(store):
    return connect(store, read_only=True)


def _adults_events(store, start: str, end: str) -> pl.DataFrame:
    """The answer's rows for the adult client over [start, end], read through a read-only connection."""
    con = _ro(store)
    try:
        return answer_events(con, ADULT, start, end)
    finally:
        con.close()


def _answers(county, start: str, end: str, *langs: str) -> list[pl.DataFrame]:
    """The adult's own request for [start, end] registered and answered once in each language."""
    store, work = county
    request = register_request(work, client_id=ADULT, relation="self", period_from=start, period_to=end,
                               received_on="2026-06-01")
    con = _ro(store)
    try:
        return [build_answer(con, request, work_path=work, lang=lang) for lang in langs]
    finally:
        con.close()


def _keys(frame: pl.DataFrame) -> list[tuple]:
    return sorted(zip(frame["source_system"], frame["source_event_id"], frame["event_local"], frame["action"],
                      frame["document"]))


def test_the_answer_equals_an_independent_query_of_the_clients_events_across_systems(county):
    store, _ = county
    con = _ro(store)
    try:
        got = answer_events(con, ADULT, "2026-01-01", "2026-12-31")
        expected = con.execute(INDEPENDENT, [ADULT, date(2026, 1, 1), date(2026, 12, 31)]).fetchall()
    finally:
        con.close()
    assert got.height == len(expected) == 7
    assert _keys(got) == sorted(expected)
    assert set(got["source_system"]) == {"pro_consona", "effica", "pegasos", "portal"}


def test_only_the_clients_own_events_are_in_the_answer(county):
    got = _adults_events(county[0], "2000-01-01", "2100-12-31")
    assert set(got["client_id"]) == {ADULT}
    assert not {"pc-o1", "ef-o1", "po-o1"} & set(got["source_event_id"])


def test_the_period_limits_the_answer_by_helsinki_date(county):
    got = _adults_events(county[0], "2026-03-05", "2026-03-06")
    assert sorted(got["source_event_id"]) == ["ef-1", "pc-2"]


def test_the_worker_is_named_with_the_title_in_force_on_the_day(county):
    got = _adults_events(county[0], "2026-01-01", "2026-12-31")
    titles = dict(zip(got["source_event_id"], got["worker_title"]))
    assert titles["pc-1"] == "sosiaaliohjaaja"        # February: the earlier staff row
    assert titles["pc-2"] == "sosiaalityöntekijä"     # March: the row in force after the change
    names = dict(zip(got["source_event_id"], got["worker_name"]))
    assert names["ef-1"] == names["pc-1"] == "Anna Aaltonen"   # two systems' accounts, one person


def test_the_basis_is_the_checks_explanation_in_plain_words_or_the_review_state(county):
    fi, en = _answers(county, "2026-01-01", "2026-12-31", "fi", "en")
    basis = dict(zip(en["source_event_id"], en["basis"]))
    assert basis["pc-1"] == "The client's responsible worker"    # sql/checks/explanations.sql, the one copy
    assert basis["pg-1"] == "Statutory right to information"      # a disclosure: its own basis
    assert basis["pc-3"] == "under review"                       # in a finding, not yet reviewed
    assert basis["pc-4"] == "reviewed: the use had no basis"     # reviewed: violation confirmed
    assert basis["po-1"] == "purpose as logged: client relationship"  # no finding questions it: not "under review"
    assert dict(zip(fi["source_event_id"], fi["basis"]))["pc-1"] == "Asiakkaan vastuutyöntekijä"
    row = en.filter(pl.col("source_event_id") == "pg-1").row(0, named=True)
    assert (row["time"], row["action"], row["recipient"]) == ("1.4.2026 08:00", "disclosed the data",
                                                             "Perhekoti Kuusela Oy")
    assert fi.filter(pl.col("source_event_id") == "pg-1")["time"][0] == "1.4.2026 klo 08.00"


def test_the_reasoned_view_reports_confirmed_and_open_findings(county):
    view = reasoned_view(*_answers(county, "2026-01-01", "2026-12-31", "en"), "en")
    text = " ".join(view)
    assert "Of 7 uses, 4 rested on a client relationship" in text
    assert "1 uses had no basis" in text and "unlawful" in text
    assert "1 uses are still under review" in text
    assert "For 1 uses log monitoring has not yet found a basis" in text


def test_a_client_with_no_findings_gets_the_view_that_nothing_unlawful_was_found(county):
    view = reasoned_view(*_answers(county, "2026-02-01", "2026-03-31", "fi"), "fi")
    assert view[-1] == "Emme ole havainneet lainvastaista käsittelyä."


def test_the_client_sorted_copy_gives_the_same_answer_and_goes_stale_when_events_arrive(county):
    store, _ = county
    con = connect(store)
    try:
        live = answer_events(con, ADULT, "2026-01-01", "2026-12-31", build_index=False)
        assert not index_is_fresh(con)
        assert ensure_client_index(con) is True
        assert ensure_client_index(con) is False       # fresh: nothing to do
        indexed = answer_events(con, ADULT, "2026-01-01", "2026-12-31")
        assert indexed.equals(live)
        con.execute("INSERT INTO events SELECT * REPLACE ('pc-new' AS source_event_id) FROM events "
                    "WHERE source_event_id = 'pc-1'")
        assert not index_is_fresh(con)
        after = answer_events(con, ADULT, "2026-01-01", "2026-12-31", build_index=False)
        assert after.height == live.height + 1          # the live tables answer while the copy is stale
    finally:
        con.close()


def test_the_small_county_answer_matches_an_independent_query_for_clients_in_several_systems(small_store):
    con = connect(small_store, read_only=True)
    try:
        clients = [r[0] for r in con.execute(
            "SELECT client_id FROM events WHERE client_id IS NOT NULL GROUP BY 1 "
            "HAVING count(DISTINCT source_system) >= 3 ORDER BY count(*) DESC, 1 LIMIT 3").fetchall()]
        assert len(clients) == 3, "no clients appear in three systems"
        for client in clients:
            got = answer_events(con, client, "2026-05-01", "2026-05-31")
            expected = con.execute(INDEPENDENT, [client, date(2026, 5, 1), date(2026, 5, 31)]).fetchall()
            assert got.height == len(expected) > 0
            assert _keys(got) == sorted(expected)
            assert set(got["client_id"]) == {client}
            assert got["source_system"].n_unique() >= 3
    finally:
        con.close()
