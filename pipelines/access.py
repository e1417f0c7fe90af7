"""Who may use the dashboard and what each role may open: users, roles and page rights.

This is library code with no Streamlit in it, so the dashboard, `lokivahti serve --demo-users` and the page
benchmark share one definition. The dashboard's sign-in form, session and navigation are its own face
(the Streamlit app) and read the page list and the rights from here.

Passwords are argon2 hashes in a users file kept outside the code. The file is TOML:

    [users.dpo1]
    role = "dpo"                   # dpo, supervision, request_handler
    password_hash = "$argon2id$..."
    oidc_email = "dpo@county.fi"   # optional: maps an identity-provider login to this user
"""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROLES = ("dpo", "supervision", "request_handler")

# The users `lokivahti serve --demo-users` creates, one per role. The sample county gives each an account of
# source `lokivahti` on a staff member of the matching role (pipelines/generate/county.py), because a dashboard
# user who is nobody in the staff register is a configuration error at `lokivahti check`.
DEMO_USERS = {"tietosuoja": "dpo", "valvonta": "supervision", "pyynnot": "request_handler"}


@dataclass(frozen=True)
class Page:
    key: str                     # the page's key: its title text is `page_<key>`, its own check is require(key)
    script: str                  # the page's script, in the dashboard's page folder
    url_path: str
    icon: str
    roles: tuple[str, ...]       # the roles that may open it


# Every page of the dashboard, in navigation order: the first page a role may open is its landing page.
# The supervision unit sees provider-related findings only (the pages filter the data, too).
PAGES: tuple[Page, ...] = (
    Page("overview", "overview.py", "overview", ":material/dashboard:", ("dpo",)),
    Page("findings", "findings.py", "findings", ":material/fact_check:", ("dpo", "supervision")),
    Page("cases", "cases.py", "cases", ":material/folder_shared:", ("dpo",)),
    Page("user", "user_timeline.py", "user-timeline", ":material/person_search:", ("dpo",)),
    Page("client", "client_timeline.py", "client-timeline", ":material/child_care:", ("dpo",)),
    Page("anomalies", "anomalies.py", "anomalies", ":material/insights:", ("dpo",)),
    Page("provider", "provider.py", "provider", ":material/domain:", ("dpo", "supervision")),
    Page("report", "report.py", "report", ":material/description:", ("dpo",)),
    Page("requests", "requests.py", "requests", ":material/mail:", ("dpo", "request_handler")),
)
PAGE_ROLES: dict[str, tuple[str, ...]] = {p.key: p.roles for p in PAGES}


def pages_for(role: str) -> list[Page]:
    """The pages a role may open, in navigation order."""
    return [p for p in PAGES if role in p.roles]


def may_open(role: str | None, page: str) -> bool:
    return role is not None and role in PAGE_ROLES.get(page, ())


@cache
def _hasher():
    from argon2 import PasswordHasher  # imported on first use: the CLI's other commands do not need it

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A fixed hash to verify against when the user name is unknown, so timing does not reveal names."""
    return _hasher().hash("not-a-password")


def load_users(path: Path | None) -> dict[str, dict]:
    """The users of a users file with a known role (an absent file has none)."""
    if path is None or not path.exists():
        return {}
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {name: dict(row) for name, row in data.get("users", {}).items() if row.get("role") in ROLES}


def verify(users: dict[str, dict], name: str, password: str) -> str | None:
    """The user's role when the password matches, else None."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    row = users.get(name)
    try:
        _hasher().verify(row["password_hash"] if row else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return row["role"] if row else None


def write_users_file(path: Path, roles: dict[str, str], passwords: dict[str, str] | None = None) -> dict[str, str]:
    """Writes a users file (owner-only) for {user: role}; returns the plain passwords (generated unless given)."""
    passwords = dict(passwords or {})
    lines = ["# Lokivahti users: argon2 hashes only. Created by `lokivahti serve --demo-users`.", ""]
    for name, role in roles.items():
        pw = passwords.setdefault(name, secrets.token_urlsafe(12))
        lines += [f'[users.{name}]', f'role = "{role}"', f'password_hash = "{_hasher().hash(pw)}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    path.chmod(0o600)
    return passwords
