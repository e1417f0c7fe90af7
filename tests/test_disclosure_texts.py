"""Every word the requester reads exists in Finnish, Swedish and English, and every basis has its words."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.disclosure import texts

RULES_BASES = ("responsible_worker", "work_pair", "unit", "referral", "supervision_case", "provider_authorisation",
               "statutory_right", "own_provider", "disclosure_permission", "emergency_followed_up",
               "role_without_involvement")


@pytest.mark.parametrize("table", ["TEXT", "ACTIONS", "BASES", "REVIEW", "SERVICE_TASKS"])
def test_every_text_has_all_three_languages_and_none_is_empty(table):
    for key, by_lang in getattr(texts, table).items():
        assert set(by_lang) == set(texts.LANGS), key
        assert all(v.strip() for v in by_lang.values()), key


def test_every_basis_of_the_rules_explanations_has_plain_words():
    assert set(RULES_BASES) == set(texts.BASES)


def test_times_are_written_the_finnish_way():
    ts = datetime(2026, 2, 3, 14, 5)
    assert texts.local_time_text(ts, "fi") == "3.2.2026 klo 14.05"
    assert texts.local_time_text(ts, "sv") == "3.2.2026 kl. 14.05"
    assert texts.local_time_text(ts, "en") == "3.2.2026 14:05"


def test_an_unknown_language_is_an_error_not_a_silent_default():
    with pytest.raises(ValueError):
        texts.t("letter_title", "de")
