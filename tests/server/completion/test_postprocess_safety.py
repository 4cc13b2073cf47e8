"""Pass 8: a suggestion with dangerous code is hidden, or marked with a comment when the user asks for that."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.safety import MARK, check_safety
from inkling.completion.types import Suggestion

CURSOR = "▮"


def at(document: str, unsafe: str = "hide") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, "line", None, unsafe)


def test_hidden_by_default() -> None:
    after = check_safety(Suggestion("pickle.loads(blob)"), at("def f(blob):\n    return ▮\n"))
    assert after.text == ""
    assert after.notes == ("unsafe: unpickling runs code from the data",)


def test_what_the_user_typed_counts_with_the_suggestion() -> None:
    after = check_safety(Suggestion("True)"), at("subprocess.run(cmd, shell=▮\n"))
    assert after.text == ""


def test_a_flag_the_typed_text_already_had_is_not_the_suggestions() -> None:
    before = Suggestion(", timeout=5)")
    assert check_safety(before, at("subprocess.run(cmd, shell=True▮\n")) is before


def test_marked_with_a_comment() -> None:
    after = check_safety(Suggestion("yaml.load(stream)"), at("def f(stream):\n    return ▮\n", "mark"))
    assert (
        after.text == "yaml.load(stream)" + MARK + "yaml.load without a safe loader builds arbitrary objects"
    )


def test_a_mark_that_would_comment_out_code_hides_instead() -> None:
    after = check_safety(Suggestion("eval(text"), at("x = [▮]\n", "mark"))
    assert after.text == ""


def test_safe_code_passes() -> None:
    before = Suggestion("json.loads(blob)")
    assert check_safety(before, at("def f(blob):\n    return ▮\n")) is before
