"""The request register: two calendar months to answer, counted the way a calendar counts them."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.config import load_config
from pipelines.disclosure import add_months, get_request, list_requests, register_request, update_request
from pipelines.disclosure.register import due_dates, mask_client_id

CLIENT = "121285-904H"  # synthetic: individual number 900-999, valid check character


@pytest.mark.parametrize("received, due", [
    (date(2026, 3, 15), date(2026, 5, 15)),    # an ordinary day
    (date(2026, 12, 31), date(2027, 2, 28)),   # 31.12. -> end of February
    (date(2027, 12, 31), date(2028, 2, 29)),   # ... of a leap year
    (date(2027, 12, 29), date(2028, 2, 29)),
    (date(2026, 12, 29), date(2027, 2, 28)),   # 29.12. -> 28.2. when February has no 29th
    (date(2026, 8, 31), date(2026, 10, 31)),
    (date(2026, 7, 31), date(2026, 9, 30)),    # September has 30 days
    (date(2026, 11, 30), date(2027, 1, 30)),   # across the year end
])
def test_the_statutory_due_date_is_two_calendar_months_clamped_to_the_month_end(received, due):
    assert due_dates(received, load_config())[0] == due


def test_the_internal_target_is_the_configured_number_of_days():
    assert due_dates(date(2026, 1, 1), load_config())[1] == date(2026, 1, 31)


def test_add_months_goes_backwards_for_the_two_year_limit():
    assert add_months(date(2026, 2, 28), -24) == date(2024, 2, 28)
    assert add_months(date(2028, 2, 29), -24) == date(2026, 2, 28)


def test_a_registered_request_gets_an_id_due_dates_and_status_received(tmp_path):
    work = tmp_path / "w.sqlite"
    r = register_request(work, client_id=CLIENT, relation="self", period_from="2026-01-01", period_to="2026-03-31",
                         received_on="2026-04-10", handler="Helena")
    assert (r.request_id, r.status, r.due_on, r.internal_due_on) == ("LS-2026-0001", "received", date(2026, 6, 10),
                                                                     date(2026, 5, 10))
    assert get_request(work, r.request_id) == r
    second = register_request(work, client_id="010190-999W", relation="guardian", period_from="2026-01-01",
                              period_to="2026-01-31", received_on="2026-04-11")
    assert second.request_id == "LS-2026-0002"


def test_a_repeated_request_within_the_window_is_marked_and_one_after_it_is_not(tmp_path):
    work = tmp_path / "w.sqlite"
    first = register_request(work, client_id=CLIENT, relation="self", period_from="2025-01-01",
                             period_to="2025-12-31", received_on="2026-01-15")
    again = register_request(work, client_id=CLIENT, relation="self", period_from="2025-06-01",
                             period_to="2026-01-31", received_on="2026-09-01")
    later = register_request(work, client_id=CLIENT, relation="self", period_from="2026-01-01",
                             period_to="2026-12-31", received_on="2028-01-20")
    someone_else = register_request(work, client_id="010190-999W", relation="self", period_from="2026-01-01",
                                    period_to="2026-01-31", received_on="2026-09-02")
    assert first.repeated_of is None
    assert again.repeated_of == first.request_id
    assert later.repeated_of is None
    assert someone_else.repeated_of is None


def test_a_requester_who_is_not_self_guardian_or_representative_is_refused_at_the_door(tmp_path):
    with pytest.raises(ValueError):
        register_request(tmp_path / "w.sqlite", client_id=CLIENT, relation="neighbour", period_from="2026-01-01",
                         period_to="2026-01-31", received_on="2026-02-01")
    with pytest.raises(ValueError):
        register_request(tmp_path / "w.sqlite", client_id=CLIENT, relation="self", period_from="2026-02-01",
                         period_to="2026-01-31", received_on="2026-02-01")


def test_the_list_marks_open_requests_overdue_or_soon_due_and_masks_the_client(tmp_path):
    work = tmp_path / "w.sqlite"
    overdue = register_request(work, client_id=CLIENT, relation="self", period_from="2026-01-01",
                               period_to="2026-01-31", received_on="2026-02-01")       # due 1.4.
    soon = register_request(work, client_id="010190-999W", relation="self", period_from="2026-01-01",
                            period_to="2026-01-31", received_on="2026-02-20")          # due 20.4.
    later = register_request(work, client_id="020290-998A", relation="self", period_from="2026-01-01",
                             period_to="2026-01-31", received_on="2026-03-30")         # due 30.5.
    done = register_request(work, client_id="030390-997R", relation="self", period_from="2026-01-01",
                            period_to="2026-01-31", received_on="2026-01-20")          # due 20.3., delivered
    update_request(work, done.request_id, status="delivered", delivered_on=date(2026, 3, 1))
    frame = list_requests(work, date(2026, 4, 10), load_config())
    marks = {r["request_id"]: (r["overdue"], r["soon_due"]) for r in frame.iter_rows(named=True)}
    assert marks[overdue.request_id] == (True, False)
    assert marks[soon.request_id] == (False, True)
    assert marks[later.request_id] == (False, False)
    assert marks[done.request_id] == (False, False)
    assert CLIENT not in frame["client"].to_list()
    assert mask_client_id(CLIENT) in frame["client"].to_list()


def test_an_empty_register_lists_nothing(tmp_path):
    assert list_requests(tmp_path / "missing.sqlite", date(2026, 1, 1)).height == 0


def test_a_request_status_outside_the_vocabulary_is_refused(tmp_path):
    work = tmp_path / "w.sqlite"
    r = register_request(work, client_id=CLIENT, relation="self", period_from="2026-01-01", period_to="2026-01-31",
                         received_on="2026-02-01")
    with pytest.raises(ValueError):
        update_request(work, r.request_id, status="lost")
