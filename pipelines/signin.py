"""Sign-in throttling: a growing delay after each failed attempt and a temporary lock-out, all logged.

Guessing a password must be slow and visible. Failures are counted per user name in the work store, so
every dashboard process and session shares them (a new browser tab starts no fresh count). After each
failure within the window the next attempt waits longer (backoff_seconds * 2^(failures-1), capped);
after max_failures the name is locked for lockout_minutes. Every sign-in, failed sign-in and lock-out
goes to the own use log (source `lokivahti`), so the checks and the DPO see them.

A failed attempt with a name that is no user is logged as "(unknown user)": what was typed may be a
password entered into the wrong field, and the log must not keep it.
"""

from __future__ import annotations

import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .sqlfiles import read_sql, statement
from .workstore import connect_work, log_access

UNKNOWN_USER = "(unknown user)"
DEFAULTS = {"signin_max_failures": 5, "signin_window_minutes": 15, "signin_lockout_minutes": 15,
            "signin_backoff_seconds": 1.0, "signin_backoff_max_seconds": 8.0}


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 8.0

    @classmethod
    def from_config(cls, config: dict) -> Policy:
        app = DEFAULTS | dict(config.get("app", {}))
        return cls(int(app["signin_max_failures"]), timedelta(minutes=float(app["signin_window_minutes"])),
                   timedelta(minutes=float(app["signin_lockout_minutes"])), float(app["signin_backoff_seconds"]),
                   float(app["signin_backoff_max_seconds"]))


@dataclass(frozen=True)
class Gate:
    """Whether a sign-in may be tried now: `locked_until` set means no; else wait `delay` seconds first."""

    failures: int
    delay: float
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def _now() -> datetime:
    return datetime.now(UTC)


def _key(name: str) -> str:
    return name.strip().casefold()


def _recent_failures(con, name: str, since: datetime) -> list[datetime]:
    rows = con.execute(statement("work/signin.sql", "recent_failures"),
                       [_key(name), since.isoformat()]).fetchall()
    return [datetime.fromisoformat(r[0]) for r in rows]


def _connect(work_path: Path):
    con = connect_work(work_path)
    con.executescript(read_sql("work/004_signin_failures.sql"))
    return con


def gate(work_path: Path, name: str, policy: Policy, now: datetime | None = None) -> Gate:
    """The state of `name` now: locked (until when), or the delay before the password is checked."""
    now = now or _now()
    with closing(_connect(work_path)) as con:
        failures = _recent_failures(con, name, now - max(policy.window, policy.lockout))
    in_window = [f for f in failures if f > now - policy.window]
    if len(failures) >= policy.max_failures:
        # locked from the failure that reached the limit, for `lockout`
        reached = failures[policy.max_failures - 1]
        if now < reached + policy.lockout:
            return Gate(len(failures), 0.0, reached + policy.lockout)
    if not in_window:
        return Gate(0, 0.0, None)
    delay = min(policy.backoff_seconds * 2 ** (len(in_window) - 1), policy.backoff_max_seconds)
    return Gate(len(in_window), delay, None)


def record_failure(work_path: Path, name: str, *, known_user: bool, policy: Policy, session_id: str | None = None,
                   now: datetime | None = None) -> Gate:
    """Count and log a failed attempt; logs the lock-out too when this failure causes it."""
    now = now or _now()
    with closing(_connect(work_path)) as con:
        con.execute(statement("work/signin.sql", "add_failure"), [_key(name), now.isoformat()])
    shown = name.strip() if known_user else UNKNOWN_USER
    log_access(work_path, user_name=shown, role="signin", action="sign_in_failed", page="sign_in",
               session_id=session_id, outcome="failure")
    after = gate(work_path, name, policy, now)
    if after.locked and after.failures == policy.max_failures:
        log_access(work_path, user_name=shown, role="signin", action="sign_in_locked", page="sign_in",
                   session_id=session_id, outcome="failure",
                   detail=f"locked until {after.locked_until:%Y-%m-%dT%H:%M:%SZ} after {after.failures} failures")
    return after


def record_success(work_path: Path, name: str, role: str, *, session_id: str | None = None) -> None:
    """Log the sign-in and forget the name's failures."""
    with closing(_connect(work_path)) as con:
        con.execute(statement("work/signin.sql", "forget_failures"), [_key(name)])
    log_access(work_path, user_name=name.strip(), role=role, action="sign_in", page="sign_in",
               session_id=session_id)


def attempt(work_path: Path, name: str, check, policy: Policy, *, known_user: bool,
            session_id: str | None = None, sleep=time.sleep) -> tuple[str | None, Gate]:
    """One sign-in: refused while locked, else after the backoff delay `check()` gives the role or None.

    The one call the dashboard makes (its sign-in form); returns (role or None, the gate after it)."""
    before = gate(work_path, name, policy)
    if before.locked:
        log_access(work_path, user_name=name.strip() if known_user else UNKNOWN_USER, role="signin",
                   action="sign_in_failed", page="sign_in", session_id=session_id, outcome="failure",
                   detail="refused: locked")
        return None, before
    if before.delay:
        sleep(before.delay)
    role = check()
    if role:
        record_success(work_path, name, role, session_id=session_id)
        return role, Gate(0, 0.0, None)
    return None, record_failure(work_path, name, known_user=known_user, policy=policy, session_id=session_id)
