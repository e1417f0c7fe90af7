"""Sign-in: a growing delay after failures and a temporary lock-out, every attempt in the own use log.

Guessing passwords must be slow and visible to the DPO (the own use log becomes events of source
`lokivahti`); a name that is no user is logged without what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipelines import signin
from pipelines.workstore import access_log

POLICY = signin.Policy(max_failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10),
                       backoff_seconds=1.0, backoff_max_seconds=4.0)


def test_each_failure_doubles_the_delay_up_to_the_cap_then_the_name_is_locked(tmp_path):
    work = tmp_path / "w.sqlite"
    slept: list[float] = []
    gates = [signin.attempt(work, "anna", lambda: None, POLICY, known_user=True, sleep=slept.append)[1]
             for _ in range(3)]
    assert slept == [1.0, 2.0]  # before the 2nd and 3rd checks
    assert gates[-1].locked
    role, gate = signin.attempt(work, "anna", lambda: "dpo", POLICY, known_user=True, sleep=slept.append)
    assert role is None and gate.locked  # even the right password is refused while locked
    log = access_log(work)
    assert log["action"].to_list() == ["sign_in_failed"] * 3 + ["sign_in_locked", "sign_in_failed"]
    assert set(log["outcome"].to_list()) == {"failure"}


def test_the_lock_ends_after_its_period_and_a_success_clears_the_count(tmp_path):
    work = tmp_path / "w.sqlite"
    start = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    for minute in range(3):
        signin.record_failure(work, "anna", known_user=True, policy=POLICY, now=start + timedelta(minutes=minute))
    assert signin.gate(work, "anna", POLICY, start + timedelta(minutes=5)).locked
    later = signin.gate(work, "anna", POLICY, start + timedelta(minutes=13))
    assert not later.locked and later.delay == 4.0  # unlocked, still slowed by the recent failures
    signin.record_success(work, "anna", "dpo")
    assert signin.gate(work, "anna", POLICY) == signin.Gate(0, 0.0, None)
    assert access_log(work)["action"].to_list()[-1] == "sign_in"


def test_a_failed_sign_in_with_an_unknown_name_is_logged_without_the_name(tmp_path):
    work = tmp_path / "w.sqlite"
    signin.attempt(work, "Salasana123!", lambda: None, POLICY, known_user=False, sleep=lambda s: None)
    assert access_log(work)["user_name"].to_list() == [signin.UNKNOWN_USER]


def test_names_are_counted_case_insensitively(tmp_path):
    work = tmp_path / "w.sqlite"
    for name in ("Anna", "anna", "ANNA"):
        signin.record_failure(work, name, known_user=True, policy=POLICY)
    assert signin.gate(work, "anna", POLICY).locked


def test_the_policy_comes_from_the_configuration():
    from pipelines.config import load_config

    policy = signin.Policy.from_config(load_config())
    assert policy.max_failures == 5 and policy.lockout == timedelta(minutes=15)
