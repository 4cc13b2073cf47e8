"""The line-completion harness: run a predictor over cut points, score it, and print the table."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from inkling.eval.cuts import Example
from inkling.eval.metrics import edit_similarity, exact_match, first_token_match

Predictor = Callable[[str, str], str]
"""(prefix, suffix) -> suggestion text; only the suggestion's first line counts."""


@dataclass(frozen=True)
class LineScores:
    """One model's line-completion results over a set of cut points (rates in percent)."""

    name: str
    n: int
    suggested: int  # cut points that got a non-empty prediction
    exact_match: float
    edit_similarity: float
    first_token_accuracy: float
    seconds: float  # time spent in the predictor, all cut points together


def first_line(suggestion: str) -> str:
    """The prediction a suggestion stands for: its first line, without a trailing carriage return."""
    return suggestion.split("\n", 1)[0].removesuffix("\r")


def score(
    name: str, predict: Predictor, examples: Sequence[Example], progress: bool = False
) -> tuple[LineScores, list[dict[str, Any]]]:
    """Score predict on every example; an empty prediction is a miss on all three metrics.

    Returns the totals and one record per example (path, line, col, target, prediction, em, es, ft).
    """
    records: list[dict[str, Any]] = []
    seconds = 0.0
    em_hits = ft_hits = suggested = 0
    es_sum = 0.0
    for i, example in enumerate(examples):
        start = time.perf_counter()
        prediction = first_line(predict(example.prefix, example.editor_suffix))
        seconds += time.perf_counter() - start
        if prediction.strip():
            suggested += 1
            em = exact_match(prediction, example.target)
            es = edit_similarity(prediction, example.target)
            ft = first_token_match(prediction, example.target)
        else:
            em, es, ft = False, 0.0, False
        em_hits += em
        ft_hits += ft
        es_sum += es
        records.append(
            {
                "path": example.cut.path,
                "line": example.cut.line,
                "col": example.cut.col,
                "target": example.target,
                "prediction": prediction,
                "em": em,
                "es": es,
                "ft": ft,
            }
        )
        if progress and ((i + 1) % 100 == 0 or i + 1 == len(examples)):
            print(f"{name}: {i + 1}/{len(examples)}", file=sys.stderr, flush=True)
    n = len(examples)
    scores = LineScores(
        name=name,
        n=n,
        suggested=suggested,
        exact_match=_percent(em_hits, n),
        edit_similarity=es_sum / n if n else 0.0,
        first_token_accuracy=_percent(ft_hits, n),
        seconds=seconds,
    )
    return scores, records


def format_table(rows: Sequence[LineScores]) -> str:
    """An aligned plain-text table: model, n, suggested, EM, ES, first-token accuracy, ms per example."""
    header = ("model", "n", "suggested", "EM %", "ES", "first-token %", "ms/example")
    body = [
        (
            row.name,
            str(row.n),
            str(row.suggested),
            f"{row.exact_match:.2f}",
            f"{row.edit_similarity:.2f}",
            f"{row.first_token_accuracy:.2f}",
            f"{1000 * row.seconds / row.n:.2f}" if row.n else "-",
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in (header, *body)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])


def _percent(hits: int, n: int) -> float:
    return 100.0 * hits / n if n else 0.0
