"""Where generated code goes: below a comment, or in place of a function's missing or placeholder body."""

from __future__ import annotations

import pytest

from inkling.completion.generate import find_target


def _put(source: str, line: int, text: str) -> str:
    target = find_target(source, line)
    assert target is not None
    assert source[: target.start] + target.lead == target.prefix
    assert source[target.end :] == target.suffix
    return source[: target.start] + target.insertion(text) + source[target.end :]


def test_code_goes_below_the_last_comment_line_at_its_indentation() -> None:
    source = "def f(x):\n    # check x\n    # then double it\n    return x\n"
    assert _put(source, 1, "assert x") == (
        "def f(x):\n    # check x\n    # then double it\n    assert x\n    return x\n"
    )
    target = find_target(source, 1)
    assert target is not None and target.kind == "code" and target.prefix.endswith("# then double it\n    ")


def test_a_comment_at_the_end_of_a_file_without_a_line_break() -> None:
    assert _put("# add two numbers", 0, "def add(a, b):\n    return a + b") == (
        "# add two numbers\ndef add(a, b):\n    return a + b\n"
    )


@pytest.mark.parametrize(
    "source,expected",
    [
        ("def f(x):\n    ...\n\ny = 1\n", "def f(x):\n    return x\n\ny = 1\n"),
        ("def f(x):\n    pass  # todo\n", "def f(x):\n    return x\n"),
        ("def f(x): ...\n", "def f(x):\n    return x\n"),
        ("def f(x):\n", "def f(x):\n    return x\n"),
        ("def f(x):", "def f(x):\n    return x\n"),
        ('def f(x):\n    """Double."""\n    ...\n', 'def f(x):\n    """Double."""\n    return x\n'),
        ("def f(\n    x,\n) -> int:\n    ...\n", "def f(\n    x,\n) -> int:\n    return x\n"),
        ("class A:\n    def f(self):\n        ...\n    x = 1\n", "class A:\n    def f(self):\n        return x\n    x = 1\n"),
        ("\tdef f(x):\n\t\t...\n", "\tdef f(x):\n\t\treturn x\n"),
    ],
)
def test_a_missing_or_placeholder_body_is_replaced(source: str, expected: str) -> None:
    line = next(i for i, text in enumerate(source.splitlines()) if "def f" in text)
    target = find_target(source, line)
    assert target is not None and target.kind == "body"
    assert _put(source, line, "return x") == expected


@pytest.mark.parametrize(
    "source,line",
    [
        ("def f(x):\n    return x\n", 0),  # it has a body
        ('def f(x):\n    """Doc."""\n    return x\n', 0),
        ("x = 1\n", 0),  # neither a comment nor a def
        ("# c\n", 5),  # no such line
        ("def f(x,\n", 0),  # the header never ends
    ],
)
def test_nothing_to_generate(source: str, line: int) -> None:
    assert find_target(source, line) is None


def test_generated_text_must_be_whole_statements() -> None:
    target = find_target("def f(x):\n    ...\n", 0)
    assert target is not None
    assert target.complete("if x:\n        return 1\n    return 2")
    assert not target.complete("if x:")  # a header without its body
    assert not target.complete("return (x")
    assert not target.complete("    return x")  # deeper than the body
