"""The discriminator: a logistic regression that tells the real continuation from the beam's other candidates,
on features of each candidate and the text before the cursor, used to rerank the beam; and the evidence of the
user's project about a candidate (whether its line is one of the workspace's, n-gram support of its tokens in
the file and in the retrieved project code, whether its names are the project's, whether it parses)."""

from __future__ import annotations

import ast
import bisect
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from inkling.context.retrieval import Lines
from inkling.serving.ngram_mixture import NgramCache

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


PROJECT_FEATURES = (
    "project line",
    "log project count",
    "line candidate",
    "file n-gram hits",
    "project n-gram hits",
    "names in project",
    "unknown names",
    "parses",
)
_HEADERS = {"elif": "if x:\n    pass\n", "else": "if x:\n    pass\n", "except": "try:\n    pass\n"}
_HEADERS["finally"] = _HEADERS["except"]


@dataclass(frozen=True)
class Evidence:
    """What the file and the project say about one request's candidates: the cursor's line so far (without
    its indentation), the names before the cursor, the workspace's lines and words, the project's line
    candidates offered for this line, and n-gram caches over the file's tokens and the retrieved code's."""

    typed: str
    known: frozenset[str]
    lines: Lines | None
    vocabulary: Collection[str]
    candidates: frozenset[str]
    file_cache: NgramCache | None
    project_cache: NgramCache | None
    encode: Callable[[str], list[int]]


def evidence(
    prefix: str,
    lines: Lines | None,
    vocabulary: Collection[str],
    candidates: Collection[str],
    file_ids: Sequence[int],
    related_ids: Sequence[int],
    encode: Callable[[str], list[int]],
    order: int = 4,
) -> Evidence:
    """The evidence for a request: `file_ids` are the tokens before the cursor, `related_ids` those of the
    retrieved project windows (both may be empty)."""
    return Evidence(
        prefix[prefix.rfind("\n") + 1 :].lstrip(),
        frozenset(_NAME.findall(prefix[-4000:])),
        lines,
        vocabulary,
        frozenset(candidates),
        NgramCache(file_ids, 1.0, order) if len(file_ids) > 1 else None,
        NgramCache(related_ids, 1.0, order) if len(related_ids) > 1 else None,
        encode,
    )


def line_count(lines: Lines | None, line: str) -> int:
    """How many times `line` (without indentation) occurs among the workspace's lines."""
    if lines is None or not line:
        return 0
    i = bisect.bisect_left(lines.texts, line)
    return int(lines.counts[i]) if i < len(lines.texts) and lines.texts[i] == line else 0


def parses(line: str) -> bool:
    """Whether the line (without indentation) is a statement on its own, a block's header with its body
    given, or a clause (`else:`, `except ...:`) after its block."""
    head = line.split(None, 1)[0].rstrip(":") if line.split() else ""
    before = _HEADERS.get(head, "")
    for text in (line, line + " pass"):
        try:
            ast.parse(before + text)
        except (SyntaxError, ValueError):
            continue
        return True
    return False


def _hits(cache: NgramCache | None, context: list[int], ids: list[int]) -> float:
    """The share of `ids` that the cache saw follow their context (`context` then the ids before them), at
    the longest context it knows (`NgramCache._next`, the lookup its mixing uses)."""
    if cache is None or not ids:
        return 0.0
    found = 0
    for i, token in enumerate(ids):
        following = cache._next([*context, *ids[:i]])
        found += bool(len(following)) and bool((following == token).any())
    return found / len(ids)


def project_features(found: Evidence, text: str) -> list[float]:
    """One candidate's features from the project (PROJECT_FEATURES): its line is one of the workspace's (and
    how often), it is a project line candidate, the shares of its tokens the file's and the retrieved code's
    n-grams predict, the share of its names the project has and how many neither it nor the file has, and
    whether its whole line parses."""
    first = text.split("\n", 1)[0].rstrip()
    line = (found.typed + first).strip()
    count = line_count(found.lines, line)
    names = _NAME.findall(first)
    in_project = sum(name in found.vocabulary for name in names)
    unknown = sum(name not in found.vocabulary and name not in found.known for name in names)
    context = found.encode(found.typed) if found.typed else []  # the candidate's tokens: those after the
    ids = found.encode(found.typed + first)[len(context) :] if first else []  # line's typed part's count
    return [
        float(count > 0),
        math.log1p(count),
        float(text in found.candidates or first in found.candidates),
        _hits(found.file_cache, context, ids),
        _hits(found.project_cache, context, ids),
        in_project / len(names) if names else 1.0,
        float(unknown),
        float(parses(line)),
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


def fit_ranking(
    groups: Sequence[tuple[Sequence[Sequence[float]], Sequence[bool]]],
    l2: float = 1e-2,
    steps: int = 2000,
) -> Discriminator:
    """A conditional logit over each cut's candidates (McFadden): the weights that give the right candidates of
    a cut the most of a softmax over that cut's candidates; cuts with no right candidate, or only right ones,
    say nothing and are left out. Its scores rank candidates within a cut (the bias is 0)."""
    kept = [(rows, real) for rows, real in groups if any(real) and not all(real)]
    if not kept:
        raise ValueError("the ranking needs cuts with both a right and a wrong candidate")
    x = np.asarray([row for rows, _ in kept for row in rows], dtype=np.float64)
    target = np.concatenate([np.asarray(real, dtype=np.float64) / sum(real) for _, real in kept])
    starts = np.cumsum([0] + [len(rows) for rows, _ in kept[:-1]])
    owner = np.repeat(np.arange(len(kept)), [len(rows) for rows, _ in kept])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        s = z @ w
        e = np.exp(s - np.maximum.reduceat(s, starts)[owner])
        p = e / np.add.reduceat(e, starts)[owner]
        w -= 0.5 * (z.T @ (p - target) / len(kept) + l2 * w)
    return Discriminator(tuple(w), 0.0, tuple(mean), tuple(scale))
