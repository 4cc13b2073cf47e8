"""The discriminator's project features: the workspace's lines and words, its line candidates, n-gram support
in the file and the retrieved code, and whether the line parses; and the ranking fit over each cut's candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.rerank import (
    PROJECT_FEATURES,
    evidence,
    fit_ranking,
    line_count,
    parses,
    project_features,
)
from inkling.context.retrieval import Retriever

PROJECT = {
    Path("/p/a.py"): "import os\n\ndef size(path):\n    total = os.path.getsize(path)\n    return total\n",
    Path("/p/b.py"): "def other(path):\n    total = os.path.getsize(path)\n",
}
PREFIX = "import os\n\ndef length(path):\n    total = "


def _encode(text: str) -> list[int]:
    return [ord(c) for c in text]


def _named(row: list[float]) -> dict[str, float]:
    assert len(row) == len(PROJECT_FEATURES)
    return dict(zip(PROJECT_FEATURES, row, strict=True))


def test_a_project_line_offered_as_candidate_is_told_from_an_invented_one() -> None:
    retriever = Retriever(PROJECT)
    related = _encode("\n".join(PROJECT.values()))
    offered = retriever.lines_starting("total = ", 4)
    assert offered == ["os.path.getsize(path)"]
    found = evidence(
        PREFIX, retriever.lines, set(retriever.words), offered, _encode(PREFIX), related, _encode
    )
    real = _named(project_features(found, "os.path.getsize(path)"))
    invented = _named(project_features(found, "compute_length(path"))
    assert real["project line"] == 1.0 and real["line candidate"] == 1.0 and real["parses"] == 1.0
    assert invented["project line"] == 0.0 and invented["line candidate"] == 0.0 and invented["parses"] == 0.0
    assert real["log project count"] > invented["log project count"] == 0.0
    assert real["project n-gram hits"] > invented["project n-gram hits"]
    assert real["names in project"] == 1.0 and real["unknown names"] == 0.0
    assert invented["names in project"] == 0.5 and invented["unknown names"] == 1.0


def test_without_an_index_the_project_features_are_empty() -> None:
    found = evidence(PREFIX, None, set(), [], [], [], _encode)
    row = _named(project_features(found, "len(path)"))
    assert row["project line"] == 0.0 and row["project n-gram hits"] == 0.0 and row["file n-gram hits"] == 0.0
    assert row["parses"] == 1.0


def test_line_count_and_parses() -> None:
    retriever = Retriever(PROJECT)
    assert line_count(retriever.lines, "total = os.path.getsize(path)") == 2
    assert line_count(retriever.lines, "total = os.path") == 0 and line_count(None, "x = 1") == 0
    assert parses("if x:") and parses("else:") and parses("except ValueError:") and parses("return x")
    assert not parses("f(a,") and not parses("x = = 1")


def test_the_ranking_fit_prefers_the_right_candidate_of_each_cut() -> None:
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(40):
        right = [float(rng.normal(1.0, 0.3)), float(rng.normal())]
        wrong = [[float(rng.normal(-1.0, 0.3)), float(rng.normal())] for _ in range(2)]
        groups.append(([wrong[0], right, wrong[1]], [False, True, False]))
    groups.append(([[0.0, 0.0]], [True]))  # says nothing: left out
    ranking = fit_ranking(groups)
    assert all(int(ranking.score(rows).argmax()) == 1 for rows, _ in groups[:-1])
    assert ranking.weights[0] > abs(ranking.weights[1])
    with pytest.raises(ValueError, match="both a right and a wrong"):
        fit_ranking([([[0.0]], [True])])
