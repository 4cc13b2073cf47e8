"""The names pass: a suggestion with a name the document does not have, or an import that does not resolve,
is dropped; without a check in the context it changes nothing."""

from __future__ import annotations

from inkling.completion.postprocess import PASSES, Context, run
from inkling.completion.postprocess.names import check_names
from inkling.completion.postprocess.syntax import keep_valid
from inkling.completion.types import Mode, Suggestion
from inkling.context.names import NameCheck

CURSOR = "▮"


def at(document: str, mode: Mode = "line", checked: bool = True) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode, names=NameCheck() if checked else None)


def test_an_undefined_name_drops_the_suggestion() -> None:
    after = check_names(Suggestion("os.path.exists(path)"), at("def exists(path):\n    return ▮\n"))
    assert after.text == "" and after.replace == 0
    assert after.notes == ("undefined name os",)


def test_an_import_that_does_not_resolve_drops_the_block() -> None:
    block = "import sys.stdout\nsys.stdout.write(text)"
    after = check_names(Suggestion(block, mode="block"), at("def echo(text):\n    ▮\n", "block"))
    assert after.notes == ("unresolved import sys.stdout",)


def test_known_names_pass_unchanged() -> None:
    before = Suggestion("os.path.exists(path)", replace=1)
    assert check_names(before, at("import os\n\ndef exists(path):\n    return (▮)\n")) is before


def test_without_a_check_nothing_is_dropped() -> None:
    before = Suggestion("os.path.exists(path)")
    assert check_names(before, at("def exists(path):\n    return ▮\n", checked=False)) is before


def test_in_the_pipeline_the_next_hypothesis_gets_its_turn() -> None:
    context = at("def exists(path):\n    return ▮\n")
    assert run("os.path.exists(path)", context) is None
    result = run("path is not None", context)
    assert result is not None and result.text == "path is not None"
    assert PASSES.index(check_names) == PASSES.index(keep_valid) + 1  # on the text the syntax pass kept
