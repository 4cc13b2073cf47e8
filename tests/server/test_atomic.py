"""Atomic writes: a file is replaced whole or not at all, with the permissions asked for, and a folder that
cannot be written is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.atomic import atomic_write, write_text
from inkling.errors import InklingError


def test_a_write_replaces_the_file_whole_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "report.json"
    write_text(path, "first\r\nline\n", newline="")
    assert path.read_bytes() == b"first\r\nline\n"
    write_text(path, "second\n", mode=0o600)
    assert path.read_text() == "second\n" and (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.json"]


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_text("old")

    def fails(tmp: Path) -> None:
        tmp.write_text("half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, fails)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(InklingError, match="could not write"):
        write_text(tmp_path / "notes.txt" / "x.txt", "x")


def test_a_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(InklingError, match="could not write"):
        write_text(tmp_path / "taken", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]
