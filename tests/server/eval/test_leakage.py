"""Evaluation files: collecting them, and refusing those whose content is in the training set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inkling.data.clean import content_hash
from inkling.errors import InklingError
from inkling.eval.leakage import collect_eval_files, refuse_training_files

SOURCE = "def f(x):\n    return x + 1\n\n\nclass A:\n    pass\n"


def test_refuses_a_training_file_and_a_reformatted_copy() -> None:
    train = {content_hash(SOURCE)}
    reformatted = SOURCE.replace("\n", "\r\n").replace("    ", "\t") + "\n\n"
    with pytest.raises(InklingError, match=r"1 of 2 evaluation files .*a\.py"):
        refuse_training_files([("a.py", SOURCE), ("ok.py", "x = 1\n")], train)
    with pytest.raises(InklingError, match=r"2 of 2 .*b\.py, c\.py"):
        refuse_training_files([("b.py", reformatted), ("c.py", " " + SOURCE)], train)


def test_accepts_files_not_in_training() -> None:
    train = {content_hash(SOURCE)}
    refuse_training_files([("a.py", SOURCE.replace("x + 1", "x + 2"))], train)
    refuse_training_files([("a.py", SOURCE)], set())


def test_names_only_the_first_offenders() -> None:
    files = [(f"f{i}.py", SOURCE) for i in range(8)]
    with pytest.raises(InklingError, match=r"8 of 8 .*f4\.py, \.\.\.") as info:
        refuse_training_files(files, {content_hash(SOURCE)})
    assert "f5.py" not in str(info.value)


def test_collects_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "b.py").write_bytes(b"b = 1\r\n")
    (tmp_path / "pkg" / "a.py").write_bytes(b"\xef\xbb\xbfa = 1\n")
    (tmp_path / "pkg" / "sub" / "c.py").write_text("c = 1\n")
    (tmp_path / "pkg" / "latin1.py").write_bytes(b"s = '\xe9'\n")
    (tmp_path / "pkg" / "notes.txt").write_text("not python\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "d.py").write_text("d = 1\n")
    os.symlink(tmp_path / "outside", tmp_path / "pkg" / "link")
    single = tmp_path / "single.py"
    single.write_text("e = 1\n")
    files = collect_eval_files([tmp_path / "pkg", single, tmp_path / "pkg" / "a.py"])
    root = tmp_path / "pkg"
    assert files == [
        (str(root / "a.py"), "a = 1\n"),  # byte-order mark dropped
        (str(root / "b.py"), "b = 1\r\n"),  # line endings kept
        (str(root / "sub" / "c.py"), "c = 1\n"),
        (str(single), "e = 1\n"),
    ]


def test_missing_path_or_nothing_found(tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="does not exist"):
        collect_eval_files([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InklingError, match="no readable Python files"):
        collect_eval_files([tmp_path / "empty"])
