"""The discriminator: its features read the candidate against the file, and fitting learns which side is real."""

from __future__ import annotations

import numpy as np
import pytest

from bench.rerank import FEATURES, features, fit

PREFIX = "import os\n\ndef size(path):\n    total = os.path.getsize(path)\n    return "


def _named(row: list[float]) -> dict[str, float]:
    assert len(row) == len(FEATURES)
    return dict(zip(FEATURES, row, strict=True))


def test_features_see_copied_and_invented_names_brackets_and_scores() -> None:
    real = _named(features(PREFIX, "total", -1.0, 2, 0, -1.0))
    invented = _named(features(PREFIX, "sizes_in_bytes(path", -6.0, 4, 1, -1.0))
    assert real["names copied"] == 1.0 and real["new names"] == 0.0 and real["unbalanced"] == 0.0
    assert invented["names copied"] == 0.5 and invented["new names"] == 1.0 and invented["unbalanced"] == 1.0
    assert invented["ends open"] == 0.0 and _named(features(PREFIX, "f(", -1, 1, 0, -1))["ends open"] == 1.0
    assert (
        invented["mean logprob"] == -1.5 and invented["gap to best"] == 5.0 and invented["beam rank"] == 1.0
    )
    assert (
        _named(features(PREFIX + "\n    return ", "total = os.path.getsize(path)", -1, 3, 0, -1))[
            "repeats line"
        ]
        == 0.0
    )  # the line above is "return", not the assignment
    assert _named(features("x = 1\nx = 1\n", "x = 1", -1, 3, 0, -1))["repeats line"] == 1.0


def test_fit_learns_to_prefer_the_real_side() -> None:
    rng = np.random.default_rng(0)
    real = [features(PREFIX, "total", float(rng.normal(-1, 0.5)), 2, 0, -1.0) for _ in range(50)]
    fake = [features(PREFIX, "sizes_in(", float(rng.normal(-4, 0.5)), 4, 1, -1.0) for _ in range(150)]
    discriminator = fit(real + fake, [True] * 50 + [False] * 150)
    scores = discriminator.score(real + fake)
    assert scores[:50].min() > 0.5 > scores[50:].max()
    with pytest.raises(ValueError, match="both real and generated"):
        fit(fake, [False] * 150)
