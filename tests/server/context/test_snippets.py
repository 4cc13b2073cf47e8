"""Snippets for the generating commands: which functions are kept, how their parameters are renamed, how the
index finds them by their description, and that a damaged index file is refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from inkling.context.snippets import SnippetIndex, extract, words

SOURCE = '''import os

LIMIT = 3


def clamp(x, lower, upper):
    """Limit a value to a given range.

    More text that is not the description.
    """
    return min(max(x, lower), upper)


# count how many lines of a text are blank
def blank_lines(text):
    return sum(1 for line in text.splitlines() if not line.strip())


def uses_module(path):
    """Join a path with the current folder."""
    return os.path.join(os.getcwd(), path)


def uses_constant(items):
    """Take the first items of a list."""
    return items[:LIMIT]


def undescribed(a, b):
    return a + b


class Box:
    def area(self):
        """Compute the area of the box."""
        return self.width * self.height

    @staticmethod
    def fact(n):
        """Compute the factorial of a number."""
        return 1 if n <= 1 else n * fact(n - 1)

    @property
    def size(self):
        """The size of the box in cells."""
        return 4


def abstract(a, b):
    """Combine two values into one."""
    raise NotImplementedError
'''


def test_only_described_self_contained_functions_are_kept() -> None:
    found = {s.name: s for s in extract(SOURCE, "m.py")}
    assert sorted(found) == ["blank_lines", "clamp", "fact"]
    assert found["clamp"].description == "Limit a value to a given range."
    assert found["clamp"].body == "return min(max(x, lower), upper)\n"  # no docstring
    assert found["blank_lines"].description == "count how many lines of a text are blank"
    assert found["fact"].params == ("n",)
    everything = {s.name for s in extract(SOURCE, "m.py", self_contained=False)}
    assert {"uses_module", "uses_constant"} <= everything and "area" not in everything


def test_a_body_is_renamed_to_the_signature() -> None:
    fact = next(s for s in extract(SOURCE, "m.py") if s.name == "fact")
    assert fact.body_for("factorial", ("k",)) == "return 1 if k <= 1 else k * factorial(k - 1)\n"
    assert fact.body_for("factorial", ("k", "j")) is None  # the counts differ
    clamp = next(s for s in extract(SOURCE, "m.py") if s.name == "clamp")
    assert clamp.body_for("clip", ("value", "low", "high")) == "return min(max(value, low), high)\n"
    assert clamp.body_for("clip", ("lower", "x", "upper")) == "return min(max(lower, x), upper)\n"  # a swap


def test_attributes_keywords_and_taken_names_are_left_alone() -> None:
    source = (
        'def f(text, sep):\n    """Split a text at a separator."""\n    return text.split(sep=sep).text\n'
    )
    (snippet,) = extract(source, "m.py")
    assert snippet.body_for("g", ("line", "mark")) == "return line.split(sep=mark).text\n"
    taken = 'def f(a):\n    """Double a number twice over."""\n    b = a * 2\n    return b * 2\n'
    (snippet,) = extract(taken, "m.py")
    assert snippet.body_for("g", ("b",)) is None  # `b` already means something else in the body


def test_search_finds_by_description_and_name() -> None:
    index = SnippetIndex(extract(SOURCE, "m.py"))
    (score, best), *_ = index.search("# count the blank lines of a text", 3)
    assert best.name == "blank_lines" and score > 0.5
    assert index.search("# open a network socket", 3) == []
    assert words("countVowels in the strings") == ["count", "vowel", "string"]


def test_the_index_survives_a_round_trip_and_refuses_a_damaged_file(tmp_path: Path) -> None:
    index = SnippetIndex(extract(SOURCE, "m.py"))
    path = tmp_path / "functions.json.gz"
    index.save(path)
    assert SnippetIndex.load(path).snippets == index.snippets
    for damage in (
        b"not gzip at all",
        gzip.compress(b'{"format": 99, "snippets": []}'),
        path.read_bytes()[:40],
    ):
        path.write_bytes(damage)
        with pytest.raises(ValueError):
            SnippetIndex.load(path)
