"""Every rule's test cases (tests/checks/<rule_id>.yaml): the rule flags exactly the events, or keys,
that its case says, on the small base county plus the case's own rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecases import case_store, load_case_into, load_cases

from pipelines.checks.catalogue import load_catalogue
from pipelines.checks.runner import build_context, evaluate_rules
from pipelines.config import load_config

HERE = Path(__file__).parent
BASE = HERE / "_base.yaml"
CASE_FILES = sorted(p for p in HERE.glob("*.yaml") if not p.name.startswith("_"))
ALL_CASES = [case for path in CASE_FILES for case in load_cases(path, BASE)]


def run_rule(case):
    """The events (or keys) the case's rule flags, running only that rule over the shared context."""
    with case_store() as con:
        load_case_into(con, case)
        base = load_config()
        config = {**base, "checks": {**base["checks"], **case.config}}
        build_context(con, config, None)
        evaluate_rules(con, config, load_catalogue([case.rule]))
        keys = {r[0] for r in con.execute("SELECT finding_key FROM chk_found").fetchall()}
        events = {r[0] for r in con.execute(
            "SELECT DISTINCT e.source_event_id FROM (SELECT unnest(events) AS e FROM chk_found)").fetchall()}
        return events, keys


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.rule}: {c.name}")
def test_rule_flags_exactly_what_its_case_expects(case):
    events, keys = run_rule(case)
    if case.keys is not None:
        assert keys == set(case.keys)
    else:
        assert events == {str(e) for e in case.flagged}
