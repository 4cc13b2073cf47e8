"""Pass 6: what is shown is the longest start of the suggestion that is valid Python at the cursor."""

from __future__ import annotations

from textwrap import dedent

import pytest

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.syntax import keep_valid
from inkling.completion.types import Mode, Suggestion

CURSOR = "▮"


def at(document: str, mode: Mode = "line") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode)


def test_a_line_is_cut_back_to_its_longest_valid_start() -> None:
    after = keep_valid(Suggestion("return x + y +"), at("def f(x, y):\n    ▮\n"))
    assert after.text == "return x + y"
    assert after.notes == ("syntax",)


def test_a_valid_line_is_left_alone() -> None:
    before = Suggestion("return x + y")
    assert keep_valid(before, at("def f(x, y):\n    ▮\n")) is before


def test_unfinished_code_the_user_can_keep_typing_is_kept() -> None:
    before = Suggestion("for item in items:")
    assert keep_valid(before, at("def f(items):\n    ▮\n")) is before


def test_a_block_loses_its_broken_trailing_lines() -> None:
    generated = dedent("""\
        total = 0
            for x in xs:
                total += x
            return total +""")
    after = keep_valid(Suggestion(generated, mode="block"), at("def f(xs):\n    ▮\n", "block"))
    assert after.text == "total = 0\n    for x in xs:\n        total += x"


def test_nothing_valid_leaves_nothing() -> None:
    after = keep_valid(Suggestion(") + 2"), at("x = 1\n▮\n"))
    assert after.text == ""


def test_the_check_reads_the_document_through_the_replaced_range() -> None:
    # `print(` + `len(x))` + `)` would be one closer too many; with the `)` replaced it is right.
    before = Suggestion("len(x))", replace=1)
    assert keep_valid(before, at("print(▮)\n")) is before


def test_cutting_back_recomputes_what_is_replaced() -> None:
    after = keep_valid(Suggestion("len(x)) +", replace=1), at("print(▮)\n"))
    assert (after.text, after.replace) == ("len(x))", 1)
    after = keep_valid(Suggestion("len(x, +", replace=1), at("print(▮)\n"))
    assert (after.text, after.replace) == ("len", 0)  # a bracket the suggestion opens must close


@pytest.mark.parametrize(
    "document,text,mode",
    [
        ("def f(x, y):\n    ▮\n", "return x + y +", "line"),
        ("def f(xs):\n    ▮\n", "total = 0\n    return total +", "block"),
        ("x = 1\n▮\n", ") + 2", "line"),
    ],
)
def test_idempotent(document: str, text: str, mode: Mode) -> None:
    context = at(document, mode)
    once = keep_valid(Suggestion(text, mode=mode), context)
    assert keep_valid(once, context) == once


def test_a_line_that_leaves_a_bracket_open_is_cut_where_its_brackets_balance() -> None:
    context = Context("import os\n\n\ndef size(path):\n    return os.path.", "\n", "line")
    kept = keep_valid(Suggestion("join(os.path.join(os.path.join(path))"), context)
    assert kept.text == "join"
