"""The rule catalogue: one SQL file per rule id in sql/checks/, each with a metadata header.

Checks are data. A file whose header has an `id` is a rule; other files (`_access_context.sql`,
`explanations.sql`) are shared steps the runner executes around the rules. No rule has Python of its own.

The anomaly model is a member too, of another type (`type: machine_learning`, as a machine-learning rule
sits beside query rules in a detection-rule catalogue): its header (sql/features/model_anomaly.meta.sql)
gives its findings a title, a legal basis and a severity like any rule's, but the scoring step, not the
check runner, produces them. Query rules have `type: query`, the default.
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
TYPES = ("query", "machine_learning")
LEVELS = ("event", "key")        # evaluated per event, or per finding key (rules without events)
SCOPES = ("events", "full")      # re-checked per touched date, or recomputed whole every run
REQUIRED_META = (
    "id", "category", "level", "scope", "severity", "title_fi", "title_en", "legal_basis",
    "description", "false_positives",
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
    type: str = "query"

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
        type=m.get("type", "query"),
    )


def rule_files() -> list[SqlFile]:
    return [f for f in sql_files("checks") if "id" in f.meta]


def load_catalogue(only: list[str] | None = None) -> list[Rule]:
    """Every rule of sql/checks/, sorted by file name (optionally only the given ids)."""
    rules = [load_rule(f) for f in rule_files()]
    if only is not None:
        rules = [r for r in rules if r.id in set(only)]
    return rules


# Members that are not query files of sql/checks/: their findings come from another step.
MODEL_FILES = ("features/model_anomaly.meta.sql",)


def model_files() -> list[SqlFile]:
    return [parse_sql_file(SQL_DIR / relative) for relative in MODEL_FILES]


def model_members() -> list[Rule]:
    """The machine-learning members (the anomaly model), typed, with their headers."""
    return [load_rule(f) for f in model_files()]


def member_meta() -> dict[str, dict]:
    """The header of every member of the catalogue, query rules and the model alike, by id."""
    return {f.meta["id"]: f.meta for f in rule_files() + model_files()}


def validate_rule_file(f: SqlFile) -> list[str]:
    """Problems with one rule file's header (empty = fine). Used by the catalogue test."""
    m, problems = f.meta, []
    for key in REQUIRED_META:
        if not m.get(key):
            problems.append(f"missing `-- {key}:`")
    stem = f.path.name.split(".")[0]  # model_anomaly.meta.sql is the model_anomaly member
    if m.get("id") and m["id"] != stem:
        problems.append(f"id {m['id']} differs from the file name {stem}")
    if m.get("category") and m["category"] not in CATEGORIES:
        problems.append(f"unknown category {m['category']}")
    if m.get("severity") and m["severity"] not in SEVERITIES:
        problems.append(f"unknown severity {m['severity']}")
    if m.get("level") and m["level"] not in LEVELS:
        problems.append(f"unknown level {m['level']}")
    if m.get("type", "query") not in TYPES:
        problems.append(f"unknown type {m['type']}")
    if m.get("scope") and m["scope"] not in SCOPES:
        problems.append(f"unknown scope {m['scope']}")
    return problems

