"""Tests for the deterministic train / valid / test split."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from inkling.data.split import path_unit, split_of
from inkling.errors import InklingError


def test_path_unit_is_the_first_eight_bytes_of_sha256() -> None:
    digest = hashlib.sha256(b"pkg/module.py").digest()
    assert path_unit("pkg/module.py") == int.from_bytes(digest[:8], "big") / 2**64


def test_split_is_a_pure_function_of_the_path() -> None:
    paths = [f"pkg{i % 7}/mod_{i}.py" for i in range(500)]
    first = [split_of(p) for p in paths]
    assert [split_of(p) for p in reversed(paths)] == list(reversed(first))
    assert split_of("pkg\\sub\\m.py") == split_of("pkg/sub/m.py")


def test_split_follows_the_unit_interval_cut_test_valid_train() -> None:
    for i in range(300):
        path = f"x/{i}.py"
        u = path_unit(path)
        expected = "test" if u < 0.1 else "valid" if u < 0.3 else "train"
        assert split_of(path, (0.7, 0.2, 0.1)) == expected


def test_split_proportions_are_close_to_the_fractions() -> None:
    counts = Counter(split_of(f"src/pkg_{i}/module_{i}.py") for i in range(20_000))
    assert abs(counts["train"] / 20_000 - 0.9) < 0.01
    assert abs(counts["valid"] / 20_000 - 0.05) < 0.01
    assert abs(counts["test"] / 20_000 - 0.05) < 0.01


def test_changing_the_valid_share_never_moves_test_files() -> None:
    paths = [f"m{i}.py" for i in range(2000)]
    before = {p for p in paths if split_of(p, (0.9, 0.05, 0.05)) == "test"}
    after = {p for p in paths if split_of(p, (0.75, 0.2, 0.05)) == "test"}
    assert before == after


def test_degenerate_fractions() -> None:
    assert {split_of(f"{i}.py", (1.0, 0.0, 0.0)) for i in range(200)} == {"train"}
    assert {split_of(f"{i}.py", (0.0, 0.0, 1.0)) for i in range(200)} == {"test"}


@pytest.mark.parametrize("fractions", [(0.9, 0.2, 0.05), (1.1, -0.05, -0.05), (0.5, 0.25, 0.2)])
def test_bad_fractions_are_refused(fractions: tuple[float, float, float]) -> None:
    with pytest.raises(InklingError):
        split_of("a.py", fractions)
