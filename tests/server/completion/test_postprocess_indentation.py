"""Pass 5: a generated block is indented the way the file is, level for level."""

from __future__ import annotations

from textwrap import dedent

import pytest

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.indentation import reindent
from inkling.completion.types import Mode, Suggestion

CURSOR = "▮"

GENERATED = dedent("""\
    if x:
            return 1
        return 2""")  # four spaces a level, the model's habit


def at(document: str, mode: Mode = "block") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode)


def test_tab_indented_files_get_tab_indented_blocks() -> None:
    after = reindent(Suggestion(GENERATED, mode="block"), at("def f(x):\n\t▮\n"))
    assert after.text == "if x:\n\t\treturn 1\n\treturn 2"
    assert after.notes == ("indentation",)


def test_two_space_files_get_two_spaces_a_level() -> None:
    document = "class A:\n  def f(self, x):\n    ▮\n"
    after = reindent(Suggestion(GENERATED.replace("\n", "\n    "), mode="block"), at(document))
    assert after.text == "if x:\n      return 1\n    return 2"


def test_a_block_already_in_the_files_style_is_left_alone() -> None:
    before = Suggestion(GENERATED, mode="block")
    assert reindent(before, at("def f(x):\n    ▮\n")) is before
    two = Suggestion("if x:\n    return 1\n  return 2", mode="block")
    assert reindent(two, at("def f(x):\n  ▮\n")) is two


def test_a_dedented_clause_keeps_its_level() -> None:
    generated = "a = 1\n    else:\n        a = 2"
    after = reindent(Suggestion(generated, mode="block"), at("def f(x):\n\tif x:\n\t\t▮\n"))
    assert after.text == "a = 1\n\telse:\n\t\ta = 2"


def test_line_mode_is_unchanged() -> None:
    before = Suggestion("x = 1\n        y = 2", mode="line")
    assert reindent(before, at("def f(x):\n\t▮\n", "line")) is before


@pytest.mark.parametrize("document", ["def f(x):\n\t▮\n", "def f(x):\n  ▮\n", "def f(x):\n    ▮\n"])
def test_idempotent(document: str) -> None:
    once = reindent(Suggestion(GENERATED, mode="block"), at(document))
    assert reindent(once, at(document)) == once
