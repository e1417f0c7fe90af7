"""What users read about a rule: title, legal basis, description and known false positives in Finnish, Swedish
and English, citing statutes by name and section, never the project's own documents, and the act in force on
the event's date (asiakastietolaki 703/2023 entered into force on 1.1.2024)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pipelines.checks.catalogue import load_catalogue
from pipelines.checks.texts import FIELDS, LANGUAGES, all_texts, rule_text

RULE_IDS = [r.id for r in load_catalogue()] + ["model_anomaly"]
INTERNAL = re.compile(r"seed\s*\d|DOMAIN|docs/|rules\.md|\.sql\b", re.IGNORECASE)
STATUTE = re.compile(r"\d+/(19|20)\d\d")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_every_text_in_three_languages(rule_id):
    entry = all_texts()[rule_id]
    for field in FIELDS:
        for lang in LANGUAGES:
            assert entry[field][lang].strip(), (rule_id, field, lang)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_texts_cite_statutes_never_internal_documents(rule_id):
    entry = all_texts()[rule_id]
    for field, values in entry.items():
        for lang, text in values.items():
            assert not INTERNAL.search(text), (rule_id, field, lang, text)
    for key in ("legal_basis", "legal_basis_before_2024"):
        for lang, text in entry.get(key, {}).items():
            assert STATUTE.search(text), (rule_id, key, lang)


def test_the_texts_file_names_no_rule_that_does_not_exist():
    assert set(all_texts()) == set(RULE_IDS)


def test_an_event_before_2024_gets_the_acts_then_in_force():
    old = rule_text("involvement_missing", "fi", on=date(2023, 12, 31))
    new = rule_text("involvement_missing", "fi", on=date(2024, 1, 1))
    assert "159/2007" in old.legal_basis and "703/2023" not in old.legal_basis
    assert "asiakastietolaki 703/2023 9 §" in new.legal_basis
    assert rule_text("log_missing_fields", "sv", on="2025-03-04").legal_basis.startswith("lagen om behandling")


def test_a_rule_resting_on_an_unchanged_act_keeps_its_basis_before_2024():
    assert rule_text("dq_placement_secret_too_long", "en", on=date(2020, 1, 1)).legal_basis.startswith(
        "Child Welfare Act 417/2007")


def test_an_unknown_language_falls_back_to_finnish():
    assert rule_text("self_access", "de").title == rule_text("self_access", "fi").title
