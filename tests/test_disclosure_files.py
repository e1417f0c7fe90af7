"""The answer's files: a new folder 0700, an existing one left alone, every file new, owner-only, never via a link."""

from __future__ import annotations

import os

import pytest

from pipelines.disclosure.files import OutputError, prepare_folder, write_new


def test_a_new_folder_is_owner_only_and_an_existing_shared_one_is_left_as_it_is(tmp_path):
    made = prepare_folder(tmp_path / "new" / "answers")
    assert made.stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    prepare_folder(shared)
    assert shared.stat().st_mode & 0o7777 == 0o1777


def test_a_file_is_created_0600_even_under_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = write_new(tmp_path / "letter.pdf", b"%PDF")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "letter.pdf").write_bytes(b"earlier answer")
    with pytest.raises(OutputError, match="already exists"):
        write_new(tmp_path / "letter.pdf", b"new")
    assert (tmp_path / "letter.pdf").read_bytes() == b"earlier answer"


def test_a_symlink_at_the_name_is_not_followed(tmp_path):
    (tmp_path / "letter.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    with pytest.raises(OutputError):
        write_new(tmp_path / "letter.pdf", b"secret")
    assert not (tmp_path / "elsewhere.pdf").exists()


def test_a_symlinked_or_non_folder_output_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(OutputError, match="symbolic link"):
        prepare_folder(tmp_path / "link")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        prepare_folder(tmp_path / "file")
