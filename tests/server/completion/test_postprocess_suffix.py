"""Pass 3: a suggestion never retypes the code that is already after the cursor."""

from __future__ import annotations

from textwrap import dedent

import pytest

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.suffix import drop_duplicates
from inkling.completion.types import Mode, Suggestion

CURSOR = "▮"


def at(document: str, mode: Mode) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode)


def test_a_suggestion_equal_to_the_next_line_is_dropped() -> None:
    context = at("def f(x):\n    ▮\n\n    return x\n", "line")
    after = drop_duplicates(Suggestion("return x"), context)
    assert after.text == ""
    assert after.notes == ("suffix",)


def test_a_different_line_is_kept() -> None:
    before = Suggestion("x += 1")
    assert drop_duplicates(before, at("def f(x):\n    ▮\n    return x\n", "line")) is before


def test_a_block_that_runs_into_the_code_below_is_cut_there() -> None:
    document = dedent("""\
        def f(x):
            ▮


        def g():
            pass
        """)
    generated = dedent("""\
        y = x * 2
            return y


        def g():
            pass""")
    after = drop_duplicates(Suggestion(generated, mode="block"), at(document, "block"))
    assert after.text == "y = x * 2\n    return y"


def test_a_block_is_cut_at_the_next_line_of_its_own_body() -> None:
    generated = "y = f(x)\n    log(x)\n    z = 1"
    after = drop_duplicates(
        Suggestion(generated, mode="block"), at("for x in xs:\n    ▮\n    log(x)\n", "block")
    )
    assert after.text == "y = f(x)"


def test_an_equal_line_at_another_depth_is_not_a_duplicate() -> None:
    generated = "log(x)\n        return None"
    before = Suggestion(generated, mode="block")
    context = at("def f(x):\n    if x:\n        ▮\n    return None\n", "block")
    assert drop_duplicates(before, context) is before


def test_a_tail_that_is_the_start_of_the_suffix_is_cut() -> None:
    generated = "y = 1\nprint(y)\nz = 2"
    after = drop_duplicates(Suggestion(generated, mode="block"), at("if ok:\n▮\nz = 2\nw = 3\n", "block"))
    assert after.text == "y = 1\nprint(y)"


def test_the_rest_of_the_line_is_not_typed_twice() -> None:
    context = at("result = fetch(▮url, timeout=5)\n", "line")
    after = drop_duplicates(Suggestion("session, url, timeout=5)"), context)
    assert after.text == "session, "


def test_closers_after_the_cursor_are_left_to_the_autoclose_pass() -> None:
    before = Suggestion("x)")
    assert drop_duplicates(before, at("print(▮)\n", "line")) is before


@pytest.mark.parametrize(
    "document,text,mode",
    [
        ("def f(x):\n    ▮\n    return x\n", "return x", "line"),
        ("f(▮, b)\n", "a, b), b)", "line"),
        ("if ok:\n▮\nz = 2\nz = 2\n", "y = 1\nz = 2\nz = 2", "block"),
        ("for x in xs:\n    ▮\n    log(x)\n", "log(x)\n    log(x)", "block"),
    ],
)
def test_idempotent(document: str, text: str, mode: Mode) -> None:
    context = at(document, mode)
    once = drop_duplicates(Suggestion(text, mode=mode), context)
    assert drop_duplicates(once, context) == once
