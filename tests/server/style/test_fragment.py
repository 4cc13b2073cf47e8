"""Snippets are normalized where they land: inside their statement, never touching the code around them."""

from __future__ import annotations

import pytest

from inkling.style.detect import Style
from inkling.style.fragment import normalize_snippet
from inkling.style.tokens import token_fixes

SINGLE = Style(quote="'")
CURSOR = "▮"


def restyled(document: str, snippet: str, style: Style = SINGLE) -> str:
    prefix, suffix = document.split(CURSOR)
    return normalize_snippet(prefix, snippet, suffix, style)


@pytest.mark.parametrize(
    "document,snippet,expected",
    [
        ("import os\n\ndef f(a):\n    x = ▮\n    return x\n", 'os.path.join(a,"b")', "os.path.join(a, 'b')"),
        ("def f(a, b):\n    if a==1▮\n", ' and b=="x":', " and b == 'x':"),  # an unfinished `if`
        ("def f(a):\n    return foo(▮)\n", 'a,"x"', "a, 'x'"),  # inside the user's brackets
        ("def f(a):\n    y = [▮\n", '"a",  "b"', "'a', 'b'"),  # half an expression: the list never closes
        ('def f(a):\n    print("hi ▮\n', 'there" , "x")', "there\", 'x')"),  # starts inside a string
        ("def f(a):\n    ▮\n", 'if a:\n        return {"k" :a}', "if a:\n        return {'k': a}"),  # a block
    ],
)
def test_snippet_in_context(document: str, snippet: str, expected: str) -> None:
    assert restyled(document, snippet) == expected


def test_code_around_the_snippet_is_not_restyled() -> None:
    # The user's own `x=1` and "double" quotes on the same line stay as they are.
    assert restyled('x=1; y = "a" + ▮\n', '"b"') == "'b'"


def test_crlf_snippets_keep_their_line_ends() -> None:
    document = "def f(a):\r\n    ▮\r\n"
    assert restyled(document, 'if a:\r\n        return "x"') == "if a:\r\n        return 'x'"


def test_where_libcst_cannot_parse_tokens_are_fixed() -> None:
    # `else` without an `if` cannot parse in any context: quotes and trailing spaces are still fixed.
    assert restyled("x = 1\n▮\n", 'else:   \n    y = "z"') == "else:\n    y = 'z'"
    assert token_fixes('s = """a   \nb"""   \nt = "c"', SINGLE) == 's = """a   \nb"""\nt = \'c\''


def test_a_snippet_that_starts_inside_a_string_the_tokenizer_cannot_read_is_kept() -> None:
    # The statement does not parse (it ends in `+`), and the snippet's tokens cannot be read alone.
    assert restyled('x = "abc ▮\n', 'def" + "g" +') == 'def" + "g" +'
    assert restyled('x = "abc ▮\n', 'def" + "g"') == "def\" + 'g'"  # where it parses, the "g" is restyled
