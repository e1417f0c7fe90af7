"""Every word the requester reads exists in Finnish, Swedish and English, and every basis has its words."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.disclosure import texts

RULES_BASES = ("responsible_worker", "work_pair", "unit", "referral", "supervision_case", "provider_authorisation",
               "statutory_right", "own_provider", "disclosure_permission", "emergency_followed_up",
               "role_without_involvement")


@pytest.mark.parametrize("table", ["TEXT", "ACTIONS", "REVIEW", "SERVICE_TASKS"])
def test_every_text_has_all_three_languages_and_none_is_empty(table):
    for key, by_lang in getattr(texts, table).items():
        assert set(by_lang) == set(texts.LANGS), key
        assert all(v.strip() for v in by_lang.values()), key


def test_every_basis_of_the_rules_explanations_has_plain_words_in_three_languages():
    assert set(RULES_BASES) <= set(texts.bases())
    for basis in texts.bases():
        for lang in texts.LANGS:
            assert texts.basis_text(basis, lang).strip() and texts.basis_text(basis, lang) != basis


def test_the_basis_texts_have_one_copy_the_one_beside_the_sql_that_chooses_the_basis():
    from pipelines.checks.explanations import basis_text as checks_basis_text

    for basis in texts.bases():
        for lang in texts.LANGS:
            assert texts.basis_text(basis, lang) == checks_basis_text(basis, lang)
    assert not hasattr(texts, "BASES")


def test_every_refusal_ground_and_verification_has_its_words():
    from pipelines.disclosure.grounds import REFUSAL_GROUNDS, VERIFICATIONS

    for ground in REFUSAL_GROUNDS:
        assert all(texts.t("ground_" + ground, lang) for lang in texts.LANGS)
    for how in VERIFICATIONS:
        assert all(texts.t("verify_" + how, lang) for lang in texts.LANGS)


def test_times_are_written_the_finnish_way():
    ts = datetime(2026, 2, 3, 14, 5)
    assert texts.local_time_text(ts, "fi") == "3.2.2026 klo 14.05"
    assert texts.local_time_text(ts, "sv") == "3.2.2026 kl. 14.05"
    assert texts.local_time_text(ts, "en") == "3.2.2026 14:05"


def test_an_unknown_language_is_an_error_not_a_silent_default():
    with pytest.raises(ValueError):
        texts.t("letter_title", "de")
