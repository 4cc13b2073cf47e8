"""Pass 7: the suggestion comes out in the file's style; with style off it is left as generated."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.restyle import restyle
from inkling.completion.types import Suggestion
from inkling.style.detect import Style

CURSOR = "▮"


def at(document: str, style: Style | None) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, "line", style)


def test_quotes_and_spacing_follow_the_file() -> None:
    after = restyle(Suggestion('open(path,"r")'), at("def f(path):\n    return ▮\n", Style(quote="'")))
    assert after.text == "open(path, 'r')"
    assert after.notes == ("restyle",)


def test_an_auto_closed_tail_is_not_part_of_the_context() -> None:
    # The suggestion replaces the `)` the editor closed: it is normalized as the line will read.
    before = Suggestion('a,"x")', replace=1)
    after = restyle(before, at("def f(a):\n    return foo(▮)\n", Style(quote="'")))
    assert after.text == "a, 'x')"
    assert after.replace == 1


def test_style_off_leaves_it_alone() -> None:
    before = Suggestion('open(path,"r")')
    assert restyle(before, at("def f(path):\n    return ▮\n", None)) is before
