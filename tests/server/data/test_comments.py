"""Docstrings to comments: the request-then-code shape the generating commands are asked in, from real code."""

from __future__ import annotations

import ast
import random

import pytest
from tests.conftest import STDLIB

from inkling.data.comments import docstrings_to_comments
from inkling.data.transforms import TransformConfig, transform_document

SOURCE = '''import os


@decorator
def add(a, b):
    """Return the sum of two numbers.

    Longer text that is not the request.
    """
    return a + b


class Box:
    def area(self):
        """Compute the area. Then more."""

        def inner():
            """Inner doc."""
            return 1

        return inner()

    def only_doc(self):
        """Nothing else follows."""


def same_line(): """Same line."""; return 1


def long(x):
    """WORDS."""
    return x
'''.replace("WORDS", " ".join(["word"] * 30))


def test_a_docstring_becomes_the_comment_above_the_function() -> None:
    out = docstrings_to_comments(SOURCE)
    assert "# Return the sum of two numbers\n@decorator\ndef add(a, b):\n    return a + b\n" in out
    assert "    # Compute the area\n    def area(self):\n\n        def inner():\n            \"\"\"Inner doc" in out
    assert '"""Nothing else follows."""' in out  # the docstring is the whole body
    assert 'def same_line(): """Same line."""' in out  # shares its line with code
    assert '    """' + "word" in out  # a first sentence too long to be a request
    ast.parse(out)


def test_real_modules_stay_valid_python_and_lose_no_code() -> None:
    for name in ("json/decoder.py", "email/utils.py", "http/cookiejar.py"):
        text = (STDLIB / name).read_text(encoding="utf-8")
        out = docstrings_to_comments(text)
        assert out != text
        before = {type(n).__name__ for n in ast.walk(ast.parse(text))}
        assert {type(n).__name__ for n in ast.walk(ast.parse(out))} == before

        def code(source: str) -> list[str]:
            return [ast.dump(n) for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Return | ast.Call)]

        assert code(out) == code(text)


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_the_rate_decides_and_zero_keeps_the_old_stream(rate: float) -> None:
    config = TransformConfig(fim_rate=0.0, docstring_rate=0.0, comment_rate=rate)
    out = transform_document(SOURCE, random.Random(0), config)
    assert (out == docstrings_to_comments(SOURCE)) == (rate == 1.0) and (out == SOURCE) == (rate == 0.0)
    old = TransformConfig(fim_rate=0.5, docstring_rate=0.5)
    texts = [transform_document(SOURCE, random.Random(seed), old) for seed in range(20)]
    assert texts == [transform_document(SOURCE, random.Random(seed), TransformConfig()) for seed in range(20)]
    with pytest.raises(ValueError):
        TransformConfig(comment_rate=1.5)
