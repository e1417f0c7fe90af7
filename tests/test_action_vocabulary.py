"""The action vocabulary of role permissions (docs/rules.md §Action vocabulary): seed 001 §11 "Käyttäjätunnukseen
liitetty rooli määrittää yksittäisen käyttäjän käyttöoikeuden eri toimintoihin. Käyttäjille sallitaan vain työn
tekemiseksi välttämättömät toiminnot." A permission word grants a documented set of event actions."""

from __future__ import annotations

import pytest

from pipelines.checks.actions import EVENT_ACTIONS, covered_by, grants


def test_write_covers_every_change_of_the_record():
    assert covered_by("write") == {"create", "update", "delete"}


def test_read_covers_search_but_not_taking_data_out():
    assert covered_by("read") == {"read", "search"}
    assert not grants("read", "print") and not grants("read", "export") and not grants("read", "disclose")


def test_star_covers_every_event_action():
    assert covered_by("*") == set(EVENT_ACTIONS)


@pytest.mark.parametrize("action", ["print", "export", "disclose", "create", "update", "delete", "search"])
def test_every_action_grants_itself_and_nothing_broader(action):
    assert covered_by(action) == {action}


def test_case_and_spaces_of_the_permission_file_do_not_matter():
    assert grants(" Write ", "update")


def test_an_unknown_word_grants_nothing():
    assert covered_by("admin") == frozenset()
