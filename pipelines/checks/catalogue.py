"""The rule catalogue: one SQL file per rule id in sql/checks/, each with a metadata header.

Checks are data. A file whose header has an `id` is a rule; other files (`_access_context.sql`,
`explanations.sql`) are shared steps the runner executes around the rules. No rule has Python of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import SQL_DIR
from ..sqlfiles import SqlFile, parse_sql_file, sql_files

CATEGORIES = (
    "involvement", "role", "employment", "provider_authorisation", "tender_phase", "prohibition",
    "permission", "write", "self", "family", "coworker", "protected", "deceased", "emergency",
    "mass_access", "mass_export", "data_quality", "log_completeness", "model",
)
SEVERITIES = ("low", "medium", "high", "critical")
LEVELS = ("event", "key")        # evaluated per event, or per finding key (rules without events)
SCOPES = ("events", "full")      # re-checked per touched date, or recomputed whole every run
REQUIRED_META = (
    "id", "category", "level", "scope", "severity", "title_fi", "title_en", "legal_basis",
    "description", "false_positives",
)
# The columns every rule query yields (the runner inserts them by name).
FINDING_COLUMNS = (
    "finding_key", "source_system", "account", "staff_id", "client_id", "organisation_id", "unit_id",
    "first_time", "last_time", "event_date", "evidence", "events",
)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    level: str
    scope: str
    meta: dict = field(repr=False)
    sql: str = field(repr=False)

    @property
    def parameters(self) -> set[str]:
        """Named parameters ($name) the query uses: thresholds from [checks]."""
        return set(_PARAM.findall(self.sql))


def _query_of(f: SqlFile) -> str:
    """The query text without a trailing semicolon (the header stays: it is SQL comments)."""
    return f.sql.strip().rstrip(";").strip()


def load_rule(f: SqlFile) -> Rule:
    m = f.meta
    return Rule(
        id=m["id"], category=m.get("category", ""), severity=m.get("severity", ""),
        level=m.get("level", "event"), scope=m.get("scope", "events"), meta=m, sql=_query_of(f),
    )


def rule_files() -> list[SqlFile]:
    return [f for f in sql_files("checks") if "id" in f.meta]


def load_catalogue(only: list[str] | None = None) -> list[Rule]:
    """Every rule of sql/checks/, sorted by file name (optionally only the given ids)."""
    rules = [load_rule(f) for f in rule_files()]
    if only is not None:
        rules = [r for r in rules if r.id in set(only)]
    return rules


def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in load_catalogue()}


def steps(name: str) -> list[tuple[str, str]]:
    """(step name, statement) of a helper file split on `-- step:` lines."""
    text = (SQL_DIR / "checks" / name).read_text(encoding="utf-8")
    out, current, body = [], None, []
    for line in text.splitlines():
        if line.startswith("-- step:"):
            if current:
                out.append((current, "\n".join(body).strip()))
            current, body = line.split(":", 1)[1].strip(), []
        elif current:
            body.append(line)
    if current:
        out.append((current, "\n".join(body).strip()))
    return out


def validate_rule_file(f: SqlFile) -> list[str]:
    """Problems with one rule file's header (empty = fine). Used by the catalogue test."""
    m, problems = f.meta, []
    for key in REQUIRED_META:
        if not m.get(key):
            problems.append(f"missing `-- {key}:`")
    if m.get("id") and m["id"] != f.path.stem:
        problems.append(f"id {m['id']} differs from the file name {f.path.stem}")
    if m.get("category") and m["category"] not in CATEGORIES:
        problems.append(f"unknown category {m['category']}")
    if m.get("severity") and m["severity"] not in SEVERITIES:
        problems.append(f"unknown severity {m['severity']}")
    if m.get("level") and m["level"] not in LEVELS:
        problems.append(f"unknown level {m['level']}")
    if m.get("scope") and m["scope"] not in SCOPES:
        problems.append(f"unknown scope {m['scope']}")
    return problems


def parse(path) -> SqlFile:
    return parse_sql_file(path)
