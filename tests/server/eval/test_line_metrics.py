"""Line-completion metrics on hand-written cases."""

from __future__ import annotations

import pytest

from inkling.eval.metrics import edit_similarity, exact_match, first_token, first_token_match


def test_exact_match_ignores_whitespace_but_not_tokens() -> None:
    assert exact_match("foo(a,  b)", " foo(a, b) ")
    assert exact_match("x\t=  1", "x = 1")
    assert not exact_match("x=1", "x = 1")  # splitting on whitespace keeps "x=1" as one piece
    assert not exact_match("foo(a)", "foo(b)")
    assert not exact_match("", "x")


def test_edit_similarity_range_and_stripping() -> None:
    assert edit_similarity("foo(a, b)", "foo(a, b)") == 100.0
    assert edit_similarity("  foo(a, b)\n", "foo(a, b)") == 100.0
    assert edit_similarity("", "foo") == 0.0
    assert edit_similarity("xyz", "abc") == 0.0
    partial = edit_similarity("foo(a)", "foo(a, b)")
    assert 0.0 < partial < 100.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foo(bar, baz)", "foo"),
        ('foo(bar, "unterminated', "foo"),
        (")", ")"),
        ("]:", "]"),
        ("    return x", "return"),
        ("**kwargs)", "**"),
        ("== 1:", "=="),
        ('"abc" + x', '"abc"'),
        ('"unterminated and more', '"unterminated and more'),
        ("'''docstring starts", "'''docstring starts"),
        ('rb"raw', 'rb"raw'),
        ("f'{x}' + y", "f'{x}'"),
        ("# a comment", "# a comment"),
        ("1.5e3)", "1.5e3"),
        ("...", "..."),
        ("x\ny", "x"),
    ],
)
def test_first_token_of_fragments(text: str, expected: str) -> None:
    assert first_token(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\t\n  \n"])
def test_first_token_of_blank_is_none(text: str) -> None:
    assert first_token(text) is None


def test_first_token_match() -> None:
    assert first_token_match("foo(1)", "foo(a, b)")
    assert first_token_match("  self.x", "self.y = 2")
    assert not first_token_match("fo", "foo")
    assert not first_token_match("", "foo")
    assert not first_token_match("", "")  # no token on either side is not a match
