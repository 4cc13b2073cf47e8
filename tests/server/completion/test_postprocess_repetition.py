"""Pass 2: the loops a small RNN falls into are cut, real code that looks repetitive is not."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.repetition import drop_repeats
from inkling.completion.types import Mode, Suggestion

CURSOR = "▮"


def at(document: str, mode: Mode = "block") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode)


def test_a_repeated_block_line_keeps_one_copy() -> None:
    generated = dedent("""\
        total += x
            total += x
            total += x""")
    after = drop_repeats(Suggestion(generated, mode="block"), at("for x in xs:\n    ▮\n"))
    assert after.text == "total += x"
    assert after.notes == ("repetition",)


def test_equal_lines_at_different_depths_are_kept() -> None:
    generated = dedent("""\
        if x is None:
                return None
            return None""")
    before = Suggestion(generated, mode="block")
    assert drop_repeats(before, at("def f(x):\n    ▮\n")) is before


def test_trailing_copies_of_the_line_above_are_dropped() -> None:
    generated = dedent("""\
        for x in xs:
                total += x
            total = 0""")
    after = drop_repeats(Suggestion(generated, mode="block"), at("def f(xs):\n    total = 0\n    ▮\n"))
    assert after.text == "for x in xs:\n        total += x"


def test_a_fresh_line_that_repeats_the_line_above_is_dropped() -> None:
    after = drop_repeats(Suggestion("x = load()", mode="line"), at("x = load()\n▮\n", "line"))
    assert after.text == ""


def test_a_half_typed_line_is_not_compared_with_the_line_above() -> None:
    before = Suggestion("load()", mode="line")
    assert drop_repeats(before, at("x = load()\nx = ▮\n", "line")) is before


@pytest.mark.parametrize(
    "generated,kept",
    [
        ("x = self.self.self.", "x = self."),
        ("x = self.self.self.se", "x = self."),  # the decoder stopped inside a fourth copy
        ("items.append(items.append(items.append(", "items.append("),
        ("x = self.value", "x = self.value"),
        ("# ==========", "# =========="),  # one repeated character is a ruler, not a stutter
        ("pair = (a, b)", "pair = (a, b)"),
    ],
)
def test_a_stutter_at_the_end_of_a_line_keeps_one_copy(generated: str, kept: str) -> None:
    assert drop_repeats(Suggestion(generated, mode="line"), at("▮\n", "line")).text == kept


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.( \n", max_size=40), st.sampled_from(["line", "block"]))
def test_idempotent(text: str, mode: Mode) -> None:
    context = at("a.b\n    ▮\n", mode)
    once = drop_repeats(Suggestion(text, mode=mode), context)
    assert drop_repeats(once, context) == once
