"""Pass 4: closers the editor already inserted are replaced through the item's range, not doubled."""

from __future__ import annotations

import pytest

from inkling.completion.postprocess.autoclose import replace_autoclosed
from inkling.completion.postprocess.context import Context
from inkling.completion.types import Suggestion

CURSOR = "▮"


def at(document: str) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, "line")


def inserted(document: str, suggestion: Suggestion) -> str:
    """The line as the editor shows it once the suggestion is accepted."""
    prefix, suffix = document.split(CURSOR)
    return prefix + suggestion.text + suffix[suggestion.replace :]


def test_an_auto_closed_paren_is_replaced_not_doubled() -> None:
    after = replace_autoclosed(Suggestion("len(items))"), at("print(▮)\n"))
    assert after.replace == 1
    assert after.notes == ("autoclose",)
    assert inserted("print(▮)\n", after) == "print(len(items))\n"


def test_a_closer_that_closes_the_suggestions_own_bracket_is_not_the_editors() -> None:
    before = Suggestion("len(items)")
    assert replace_autoclosed(before, at("print(▮)\n")) is before
    assert inserted("print(▮)\n", before) == "print(len(items))\n"


def test_a_suggestion_that_goes_on_after_the_closer_replaces_it() -> None:
    after = replace_autoclosed(Suggestion("x) + 1"), at("y = f(▮)\n"))
    assert inserted("y = f(▮)\n", after) == "y = f(x) + 1\n"


def test_an_auto_closed_quote_is_replaced() -> None:
    after = replace_autoclosed(Suggestion('world"'), at('name = "▮"\n'))
    assert inserted('name = "▮"\n', after) == 'name = "world"\n'


def test_closers_and_a_colon_typed_by_the_user_are_replaced_together() -> None:
    after = replace_autoclosed(Suggestion("x):"), at("def f(▮):\n"))
    assert after.replace == 2
    assert inserted("def f(▮):\n", after) == "def f(x):\n"


def test_only_the_first_line_of_a_multi_line_suggestion_counts() -> None:
    after = replace_autoclosed(Suggestion("x):\n    return x", mode="block"), at("def f(▮)\n"))
    assert inserted("def f(▮)\n", after) == "def f(x):\n    return x\n"


def test_a_rest_of_line_that_is_not_just_closers_is_left_alone() -> None:
    before = Suggestion("a, b)")
    assert replace_autoclosed(before, at("f(▮, c)\n")) is before


@pytest.mark.parametrize(
    "document,text",
    [
        ("print(▮)\n", "len(items))"),
        ("print(▮)\n", "len(items)"),
        ('s = "▮"\n', 'a"'),
        ("f(▮)\n", ""),
    ],
)
def test_idempotent(document: str, text: str) -> None:
    once = replace_autoclosed(Suggestion(text), at(document))
    assert replace_autoclosed(once, at(document)) == once
