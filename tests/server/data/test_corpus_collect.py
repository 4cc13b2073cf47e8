"""Tests for walking source roots and reading `.py` files safely."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from inkling.data.collect import (
    Skipped,
    SourceFile,
    check_root,
    find_candidates,
    parses,
    read_source,
    root_names,
)
from inkling.errors import InklingError


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def read_one(root: Path, max_bytes: int = 1_000_000) -> SourceFile | Skipped:
    (candidate,) = find_candidates(root, root.name)
    return read_source(candidate, max_bytes)


def test_finds_py_files_sorted_with_root_prefix_and_skips_excluded_dirs(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write(root / "b.py", "b = 1\n")
    write(root / "a" / "z.py", "z = 1\n")
    write(root / "a.b" / "c.py", "c = 1\n")
    write(root / "notes.txt", "not python\n")
    write(root / "site-packages" / "dep.py", "dep = 1\n")
    write(root / "__pycache__" / "x.py", "x = 1\n")

    found = find_candidates(root, "proj")

    assert [c.doc_path for c in found] == ["proj/a.b/c.py", "proj/a/z.py", "proj/b.py"]
    assert [c.rel_path for c in found] == ["a.b/c.py", "a/z.py", "b.py"]


def test_single_file_root(tmp_path: Path) -> None:
    path = write(tmp_path / "one.py", "x = 1\n")
    (candidate,) = find_candidates(path, "one.py")
    assert (candidate.rel_path, candidate.doc_path) == ("one.py", "one.py")


def test_reads_a_good_file_normalizing_bom_and_crlf(tmp_path: Path) -> None:
    write(tmp_path / "r" / "ok.py", b"\xef\xbb\xbfx = 1\r\ny = 2\r\n")
    result = read_one(tmp_path / "r")
    assert isinstance(result, SourceFile)
    assert result.text == "x = 1\ny = 2\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x = 1\n\x00\x01\x02", "binary"),
        ("s = 'caf\u00e9'\n".encode("latin-1"), "undecodable"),
        (b"def broken(:\n    pass\n", "unparsable"),
        (b"x = 1\n" * 50, "oversized"),
    ],
)
def test_skips_and_names_the_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    write(tmp_path / "r" / "bad.py", data)
    result = read_one(tmp_path / "r", max_bytes=100)
    assert isinstance(result, Skipped)
    assert result.reason == reason


def test_file_of_exactly_max_bytes_is_kept(tmp_path: Path) -> None:
    write(tmp_path / "r" / "edge.py", b"x = 1\n" * 10)
    assert isinstance(read_one(tmp_path / "r", max_bytes=60), SourceFile)


def test_dangling_symlink_is_unreadable(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    os.symlink(tmp_path / "missing.py", root / "gone.py")
    result = read_one(root)
    assert isinstance(result, Skipped)
    assert result.reason == "unreadable"


def test_parse_warnings_never_escape() -> None:
    noisy = 'import re\nx = 1\nif x is 1:\n    pat = re.compile("\\d+")\n'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert parses(noisy)
    assert caught == []


def test_parse_warnings_do_not_make_a_file_unparsable() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leaked warning would turn into a SyntaxError
        assert parses('x = 1\nif x is 1:\n    pass\ny = "\\d"\n')


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "loopy"
    write(root / "real.py", "x = 1\n")
    write(root / "sub" / "inner.py", "y = 2\n")
    os.symlink(root, root / "sub" / "back_to_root")
    os.symlink(root / "sub", root / "sub" / "self")
    outside = write(tmp_path / "elsewhere" / "other.py", "z = 3\n").parent
    os.symlink(outside, root / "linked_dir")

    found = find_candidates(root, "loopy")

    assert [c.rel_path for c in found] == ["real.py", "sub/inner.py"]


def test_root_names_are_distinct(tmp_path: Path) -> None:
    a = tmp_path / "x" / "src"
    b = tmp_path / "y" / "src"
    assert root_names([a, b, tmp_path / "lib"]) == ["src", "src~2", "lib"]


def test_check_root_rejects_missing_and_non_python_paths(tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="does not exist"):
        check_root(tmp_path / "nope")
    with pytest.raises(InklingError, match=r"neither a folder nor a \.py file"):
        check_root(write(tmp_path / "data.txt", "hello"))
    check_root(tmp_path)
    check_root(write(tmp_path / "ok.py", "x = 1\n"))
