"""The rule catalogue as a whole: every rule of docs/rules.md has exactly one well-described SQL file,
and every rule file has test cases that show it firing and not firing."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rulecases import read_yaml

from pipelines import PROJECT_ROOT
from pipelines.checks.catalogue import (
    CATEGORIES,
    REQUIRED_META,
    load_catalogue,
    rule_files,
    validate_rule_file,
)

RULES_MD = (PROJECT_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
CASES_DIR = PROJECT_ROOT / "tests" / "checks"
FILES = rule_files()


def documented_rule_ids() -> set[str]:
    """Rule ids of docs/rules.md: the first cell of each table row, and the gates' list items."""
    ids = set(re.findall(r"^\|\s*`([a-z_]+)`\s*\|", RULES_MD, flags=re.MULTILINE))
    ids |= set(re.findall(r"^\d+\.\s*`([a-z_]+)`", RULES_MD, flags=re.MULTILINE))
    return ids


def test_docs_list_a_plausible_number_of_rules():
    assert len(documented_rule_ids()) >= 25


def test_every_rule_of_docs_rules_md_has_a_file():
    assert documented_rule_ids() - {f.path.stem for f in FILES} == set()


def test_every_rule_file_is_a_rule_of_docs_rules_md():
    assert {f.path.stem for f in FILES} - documented_rule_ids() == set()


@pytest.mark.parametrize("f", FILES, ids=lambda f: f.path.stem)
def test_rule_header_is_complete_and_valid(f):
    assert validate_rule_file(f) == []


def test_rule_ids_are_unique():
    counts = Counter(f.meta["id"] for f in FILES)
    assert [i for i, n in counts.items() if n > 1] == []


def test_categories_come_from_the_fixed_list_of_domain_md():
    assert {r.category for r in load_catalogue()} <= set(CATEGORIES)


def test_rule_category_and_severity_match_docs_rules_md():
    """Where docs/rules.md's tables give a category or severity for a rule, the file says the same."""
    for rule in load_catalogue():
        row = re.search(rf"^\|\s*`{rule.id}`\s*\|(.*)$", RULES_MD, flags=re.MULTILINE)
        if not row:
            continue
        cells = [c.strip() for c in row.group(1).split("|")]
        if cells[0] in CATEGORIES:
            assert cells[0] == rule.category, rule.id
            assert cells[1] == rule.severity, rule.id
        elif rule.id.startswith("log_"):
            assert rule.category == "log_completeness" and cells[0] == rule.severity, rule.id
        else:
            assert rule.category == "data_quality" and cells[0] == rule.severity, rule.id


def test_thresholds_are_parameters_not_constants():
    """Each [checks] threshold a rule mentions is a $parameter; no window or count is hard-coded."""
    for rule in load_catalogue():
        # (a calendar's one-day step is not a threshold)
        assert not re.search(r"INTERVAL\s+'?(\d{2,}|[2-9])\s*(minute|day)", rule.sql, flags=re.IGNORECASE), rule.id
        assert not re.search(r">=\s*\d{2,}", rule.sql), rule.id


def test_required_metadata_includes_the_reviewers_guide():
    assert {"legal_basis", "false_positives", "title_fi", "title_en"} <= set(REQUIRED_META)


@pytest.mark.parametrize("f", FILES, ids=lambda f: f.path.stem)
def test_every_rule_has_a_positive_and_a_negative_case(f):
    path = CASES_DIR / f"{f.path.stem}.yaml"
    assert path.exists(), f"no test cases in {path}"
    spec = read_yaml(path)
    assert spec["rule"] == f.path.stem
    expected = [c.get("flagged") if c.get("keys") is None else c.get("keys") for c in spec["cases"]]
    assert any(e for e in expected), "no positive case"
    assert any(e == [] for e in expected), "no negative case"


def test_every_configuration_key_is_documented():
    """docs/configuration.md names every key of every section of lokivahti.toml."""
    import tomllib

    with open(PROJECT_ROOT / "lokivahti.toml", "rb") as fh:
        config = tomllib.load(fh)
    doc = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = []
    for section, keys in config.items():
        if f"## [{section}]" not in doc:
            missing.append(f"[{section}]")
        for key in keys:
            if f"`{key}`" not in doc:
                missing.append(f"{section}.{key}")
    assert missing == []
