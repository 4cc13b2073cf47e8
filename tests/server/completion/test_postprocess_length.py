"""Pass 7: a suggestion too short to be worth a glance is dropped, unless it finishes a name or a call."""

from __future__ import annotations

import pytest

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.length import drop_short
from inkling.completion.types import Suggestion

CURSOR = "▮"


def at(document: str) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, "line")


def test_a_single_character_is_dropped() -> None:
    after = drop_short(Suggestion("1"), at("x = ▮\n"))
    assert after.text == ""
    assert after.notes == ("length",)


def test_the_last_letter_of_a_name_is_kept() -> None:
    before = Suggestion("n")
    assert drop_short(before, at("retur▮\n")) is before


def test_a_missing_closer_is_kept_and_one_already_there_is_dropped() -> None:
    before = Suggestion(")")
    assert drop_short(before, at("print(x▮\n")) is before
    assert drop_short(before, at("print(x▮)\n")).text == ""


def test_the_colon_that_ends_a_block_header_is_kept() -> None:
    before = Suggestion(":")
    assert drop_short(before, at("def size(self)▮\n")) is before
    assert drop_short(before, at("x = {1▮}\n")).text == ""  # not at the end of the line


def test_whitespace_is_always_dropped() -> None:
    assert drop_short(Suggestion("\n        "), at("x = 1▮\n")).text == ""


def test_the_minimum_is_a_setting() -> None:
    before = Suggestion("ab")
    assert drop_short(before, at("x = ▮\n")) is before
    assert drop_short(before, at("x = ▮\n"), min_chars=3).text == ""


@pytest.mark.parametrize("text", ["1", "n", ")", "  ", "value"])
def test_idempotent(text: str) -> None:
    once = drop_short(Suggestion(text), at("x = ▮\n"))
    assert drop_short(once, at("x = ▮\n")) == once
