"""The discriminator: a logistic regression that tells the real continuation from the beam's other candidates,
on features of each candidate and the text before the cursor, used to rerank the beam."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPEN, _CLOSE = "([{", ")]}"

FEATURES = (
    "mean logprob",
    "logprob",
    "log tokens",
    "beam rank",
    "gap to best",
    "names copied",
    "new names",
    "unbalanced",
    "ends open",
    "log chars",
    "repeats line",
    "string",
)


def features(
    prefix: str, text: str, logprob: float, tokens: int, rank: int, best_logprob: float
) -> list[float]:
    """One candidate's features: its scores under the model, its place in the beam, and how it relates to
    the text before the cursor (names it copies or invents, brackets, repetition of the line above)."""
    names = _NAME.findall(text)
    known = set(_NAME.findall(prefix[-4000:]))
    copied = sum(name in known for name in names)
    depth = sum(text.count(c) for c in _OPEN) - sum(text.count(c) for c in _CLOSE)
    lines = prefix.rsplit("\n", 2)
    above = lines[-2].strip() if len(lines) >= 2 else ""
    stripped = text.rstrip()
    return [
        logprob / max(tokens, 1),
        logprob,
        math.log1p(tokens),
        float(rank),
        best_logprob - logprob,
        copied / len(names) if names else 1.0,
        float(len(names) - copied),
        float(abs(depth)),
        float(bool(stripped) and stripped[-1] in _OPEN + ",=+-*/"),
        math.log1p(len(text)),
        float(bool(text.strip()) and text.strip() == above),
        float("'" in text or '"' in text),
    ]


@dataclass(frozen=True)
class Discriminator:
    """P(real) = sigmoid(w · (x - mean) / scale + b)."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def score(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        result: np.ndarray = 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.weights) + self.bias)))
        return result


def fit(
    rows: Sequence[Sequence[float]], labels: Sequence[bool], l2: float = 1e-2, steps: int = 2000
) -> Discriminator:
    """Logistic regression by full-batch gradient descent on standardized features."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("the discriminator needs both real and generated examples")
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float((p - y).mean())
    return Discriminator(tuple(w), b, tuple(mean), tuple(scale))
