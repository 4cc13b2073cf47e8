"""The passes together: raw model text in, a suggestion worth showing (or None) out, never an exception."""

from __future__ import annotations

import logging

import pytest

from inkling.completion import postprocess
from inkling.completion.postprocess import Context, run
from inkling.completion.types import Mode, Suggestion

CURSOR = "▮"


def at(document: str, mode: Mode = "line") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode)


def test_raw_model_text_becomes_a_clean_suggestion() -> None:
    result = run("len(items))<|endoftext|>\nprint(", at("print(▮)\n"))
    assert result is not None
    assert (result.text, result.replace) == ("len(items))", 1)
    assert result.notes == ("specials", "autoclose")


def test_a_block_in_a_tab_indented_file() -> None:
    result = run("if x:\n        return 1\n    return 2<|endoftext|>", at("def f(x):\n\t▮\n", "block"))
    assert result is not None
    assert result.text == "if x:\n\t\treturn 1\n\treturn 2"


def test_nothing_worth_showing_is_none() -> None:
    assert run("return x", at("def f(x):\n    ▮\n    return x\n")) is None  # already the next line
    assert run("<|endoftext|>", at("x = ▮\n")) is None
    assert run("x", at("y = ▮\n")) is None
    assert run("anything", at("x = ▮\n", "none")) is None


def test_a_failing_pass_degrades_the_suggestion_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(suggestion: Suggestion, context: Context) -> Suggestion:
        raise RuntimeError("bug in a pass")

    monkeypatch.setattr(postprocess, "PASSES", (broken, *postprocess.PASSES))
    with caplog.at_level(logging.WARNING, logger="inkling.postprocess"):
        result = run("return x<|endoftext|>", at("def f(x):\n    ▮\n"))
    assert result is not None
    assert result.text == "return x"  # the passes after the broken one still ran
    assert "broken" in caplog.text
