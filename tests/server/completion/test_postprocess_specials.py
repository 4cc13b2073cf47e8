"""Pass 1: nothing after a special token reaches the editor."""

from __future__ import annotations

import pytest

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.specials import strip_specials
from inkling.completion.types import Suggestion

CONTEXT = Context(prefix="def f(x):\n    ", suffix="\n", mode="block")


def test_text_after_end_of_text_is_not_shown() -> None:
    before = Suggestion("return x<|endoftext|>\ndef g():\n    pass", mode="block")
    after = strip_specials(before, CONTEXT)
    assert after.text == "return x"
    assert after.notes == ("specials",)


def test_the_first_special_token_cuts() -> None:
    before = Suggestion("x = 1<|fim_middle|>y = 2<|endoftext|>", mode="block")
    assert strip_specials(before, CONTEXT).text == "x = 1"


def test_clean_text_is_left_alone() -> None:
    before = Suggestion("return x  # <|not special|>", mode="block")
    assert strip_specials(before, CONTEXT) is before


@pytest.mark.parametrize("text", ["a<|endoftext|>b", "<|fim_prefix|>", "plain", ""])
def test_idempotent(text: str) -> None:
    once = strip_specials(Suggestion(text, mode="block"), CONTEXT)
    assert strip_specials(once, CONTEXT) == once
