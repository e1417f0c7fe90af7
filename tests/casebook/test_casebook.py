"""The case book: hand-written cases from the statutes and the seed documents, each quoting the sentence it
rests on. Every case runs the whole catalogue on the small base county (tests/checks/_base.yaml) plus the
case's own rows, and the findings must be exactly the ones the case expects — rule by rule, event by event —
so that legitimate-but-unusual work is shown to stay quiet, not merely the planted violation to be caught.

Case file format (one YAML file per theme): `cases`, each with `name`, `law` (the quoted sentence and its
source), optional `reference` rows (added to the base, or `replace_<table>`), `events` (Helsinki wall-clock
`time`; a use event's `document` defaults to `asiakaskertomus`), and `expect`: {rule_id: [event ids or
finding keys]} — every rule not named must find nothing. `expect: {}` is expected silence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecases import Case, case_store, load_case_into, read_yaml

from pipelines.checks.catalogue import CATEGORIES, load_catalogue
from pipelines.checks.runner import build_context, evaluate_rules
from pipelines.config import load_config

HERE = Path(__file__).parent
BASE = read_yaml(HERE.parent / "checks" / "_base.yaml")
REF_TABLES = ("organisations", "staff", "accounts", "role_permissions", "involvement", "provider_authorisations",
              "clients", "disclosure_prohibitions", "disclosure_permissions")
CASE_FILES = sorted(HERE.glob("*.yaml"))


def _cases():
    out = []
    for path in CASE_FILES:
        spec = read_yaml(path)
        for c in spec["cases"]:
            reference = {t: list(BASE.get(t, [])) for t in REF_TABLES}
            for table, rows in (c.get("reference") or {}).items():
                if table.startswith("replace_"):
                    reference[table[len("replace_"):]] = list(rows)
                else:
                    reference[table] = reference.get(table, []) + list(rows)
            out.append((path.stem, c, Case("*", c["name"], reference, c.get("events") or [],
                                           aliases=BASE.get("aliases", {}), config=c.get("config") or {},
                                           conflicts=c.get("conflicts") or [])))
    return out


CASES = _cases()
RULES = load_catalogue()


def run_catalogue(case: Case) -> dict[str, set[str]]:
    """Every rule over the case: rule id -> flagged event ids (event rules) or finding keys (key rules)."""
    with case_store() as con:
        load_case_into(con, case, default_document="asiakaskertomus")
        base = load_config()
        config = {**base, "checks": {**base["checks"], **case.config}}
        build_context(con, config, None)
        evaluate_rules(con, config, RULES)
        level = {r.id: r.level for r in RULES}
        found: dict[str, set[str]] = {}
        for rule_id, key, ids in con.execute(
                "SELECT rule_id, finding_key, list(e.source_event_id) FROM "
                "(SELECT rule_id, finding_key, unnest(events) AS e FROM chk_found "
                " UNION ALL SELECT rule_id, finding_key, NULL FROM chk_found WHERE len(events) = 0) GROUP BY ALL"
        ).fetchall():
            found.setdefault(rule_id, set()).update(
                [key] if level[rule_id] == "key" else [i for i in ids if i is not None])
        return found


@pytest.mark.parametrize("theme, spec, case", CASES, ids=[f"{t}: {c['name']}" for t, c, _ in CASES])
def test_case_finds_exactly_what_the_law_says(theme, spec, case):
    expected = {rule: {str(x) for x in ids} for rule, ids in (spec.get("expect") or {}).items() if ids}
    assert run_catalogue(case) == expected


def test_every_case_quotes_the_law_it_rests_on():
    for theme, spec, _case in CASES:
        assert len(str(spec.get("law", "")).strip()) > 30, f"{theme}: {spec['name']}"


def test_the_case_book_is_large_and_covers_every_category():
    assert len(CASES) >= 60
    by_id = {r.id: r.category for r in RULES}
    expected_categories = {by_id[rule] for _t, spec, _c in CASES for rule in (spec.get("expect") or {})}
    assert set(CATEGORIES) - {"model"} <= expected_categories


def test_every_rule_is_caught_somewhere_and_quiet_somewhere():
    fired = {rule for _t, spec, _c in CASES for rule, ids in (spec.get("expect") or {}).items() if ids}
    assert {r.id for r in RULES} - fired == set()
    silent = [spec for _t, spec, _c in CASES if not spec.get("expect")]
    assert len(silent) >= 20   # legitimate-but-unusual work that must stay quiet
