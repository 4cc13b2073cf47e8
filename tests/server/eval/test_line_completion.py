"""The scoring harness and its table, on a toy predictor."""

from __future__ import annotations

import pytest

from inkling.eval.cuts import CutPoint, Example
from inkling.eval.line_completion import LineScores, format_table, score


def _example(i: int, target: str) -> Example:
    return Example(CutPoint("f.py", 10 * i, i + 1, 4), f"pre{i}", "suffix\n", target)


EXAMPLES = [
    _example(0, "foo(a, b)"),
    _example(1, "bar = 2"),
    _example(2, "baz.qux()"),
    _example(3, "return x"),
]
ANSWERS = {
    "pre0": "foo(a,  b)\nnext line is ignored",  # exact up to whitespace
    "pre1": "bar = 3",  # right first token, wrong line
    "pre2": "",  # no suggestion
    "pre3": "   \n",  # blank: no suggestion either
}


def test_score_counts_misses_and_partial_credit() -> None:
    scores, records = score("toy", lambda prefix, suffix: ANSWERS[prefix], EXAMPLES)
    assert scores.name == "toy" and scores.n == 4 and scores.suggested == 2
    assert scores.exact_match == pytest.approx(25.0)
    assert scores.first_token_accuracy == pytest.approx(50.0)
    assert 25.0 < scores.edit_similarity < 50.0  # 100 + something below 100 + 0 + 0, over 4
    assert scores.seconds >= 0.0
    assert [r["em"] for r in records] == [True, False, False, False]
    assert [r["prediction"] for r in records] == ["foo(a,  b)", "bar = 3", "", "   "]
    assert records[2]["es"] == 0.0 and records[3]["es"] == 0.0
    assert records[1] | {"es": 0} == {
        "path": "f.py",
        "line": 2,
        "col": 4,
        "target": "bar = 2",
        "prediction": "bar = 3",
        "em": False,
        "es": 0,
        "ft": True,
    }


def test_score_passes_prefix_and_the_suffix_an_editor_has() -> None:
    seen: list[tuple[str, str]] = []

    def predict(prefix: str, suffix: str) -> str:
        seen.append((prefix, suffix))
        return "x"

    score("spy", predict, EXAMPLES[:2])
    # the rest of the line is not typed yet, so the text after the cursor starts with the line break
    assert seen == [("pre0", "\nsuffix\n"), ("pre1", "\nsuffix\n")]


def test_score_of_nothing() -> None:
    scores, records = score("none", lambda p, s: "x", [])
    assert scores.n == 0 and scores.exact_match == 0.0 and records == []


def test_format_table_is_aligned() -> None:
    rows = [
        LineScores("4-gram", 1000, 998, 12.3456, 45.6, 50.0, 2.0),
        LineScores("inkling-small-rnn", 1000, 1000, 30.0, 60.0, 70.25, 12.5),
    ]
    lines = format_table(rows).splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == ["model", "n", "suggested"]
    assert "12.35" in lines[2] and "2.00" in lines[2]  # 2 s over 1000 examples: 2 ms each
    assert "12.50" in lines[3] and "70.25" in lines[3]
    assert len({len(line) for line in lines}) == 1  # every column right-aligned to the same width
