"""Deterministic train / valid / test assignment from a hash of a file's path relative to its root."""

from __future__ import annotations

import hashlib
from typing import Literal

from inkling.errors import InklingError

Split = Literal["train", "valid", "test"]
SPLITS: tuple[Split, ...] = ("train", "valid", "test")
DEFAULT_FRACTIONS: tuple[float, float, float] = (0.9, 0.05, 0.05)


def check_fractions(fractions: tuple[float, float, float]) -> None:
    """Raise InklingError unless the (train, valid, test) fractions are in [0, 1] and sum to 1."""
    if len(fractions) != 3 or any(not 0.0 <= f <= 1.0 for f in fractions):
        raise InklingError(f"split fractions {fractions} must be three numbers between 0 and 1")
    if abs(sum(fractions) - 1.0) > 1e-9:
        raise InklingError(f"split fractions {fractions} must add up to 1")


def path_unit(rel_path: str) -> float:
    """A number in [0, 1) fixed by the path alone: the first 8 bytes of its SHA-256."""
    digest = hashlib.sha256(rel_path.replace("\\", "/").encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(rel_path: str, fractions: tuple[float, float, float] = DEFAULT_FRACTIONS) -> Split:
    """The split of a file, from its posix path relative to its root; other files play no part.

    The unit interval is cut test first, then valid, then train, so growing or shrinking the
    validation share never moves a file into or out of the test set.
    """
    check_fractions(fractions)
    _, valid, test = fractions
    u = path_unit(rel_path)
    if u < test:
        return "test"
    if u < test + valid:
        return "valid"
    return "train"
