"""Retrieval over the workspace's files: the windows of lines most like the code before the cursor (RepoCoder's
sliding windows, scored by the IDF-weighted share of the query's words they hold), each with the lines that
follow it, for the decoder's project n-gram cache."""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORD = re.compile(r"[^\W\d]\w*")
MAX_LINE_MATCHES = 2000  # a line start shared by more lines than this says too little to offer them


@dataclass(frozen=True)
class RetrievalConfig:
    """How the workspace is cut into windows and what a query reads."""

    window_lines: int = 20  # lines per window
    stride: int = 10  # a window starts every `stride` lines
    follow_lines: int = 10  # lines after a window that come with it (what followed code like the query's)
    query_lines: int = 20  # lines up to the cursor's that make the query
    common: float = 0.1  # words in more than this share of the windows are left out of scores
    min_score: float = 0.2  # a window holding less of the query's weight is not returned


@dataclass(frozen=True)
class Window:
    """Lines of one file from `start` (0-based): a window and the lines that follow it."""

    path: Path
    start: int
    text: str
    score: float


@dataclass(frozen=True)
class _File:
    text: str
    lines: list[str]
    windows: list[tuple[int, int, frozenset[str]]]  # (first line, end line, words)


def _cut(text: str, config: RetrievalConfig) -> _File:
    lines = text.split("\n")
    windows = []
    for start in range(0, max(1, len(lines) - config.window_lines + config.stride), config.stride):
        end = min(len(lines), start + config.window_lines)
        windows.append((start, end, frozenset(WORD.findall("\n".join(lines[start:end])))))
    return _File(text, lines, windows)


class Retriever:
    """An inverted index from words to windows, over a snapshot of the workspace's texts; a file whose text
    is unchanged since `reuse` (the previous index) is not cut again."""

    def __init__(
        self, texts: Mapping[Path, str], config: RetrievalConfig | None = None, reuse: Retriever | None = None
    ) -> None:
        self.config = config or RetrievalConfig()
        old = reuse._files if reuse is not None and reuse.config == self.config else {}
        self._files: dict[Path, _File] = {}
        self._windows: list[tuple[Path, int, int]] = []
        postings: dict[str, list[int]] = {}
        for path in sorted(texts):
            known = old.get(path)
            file = known if known is not None and known.text == texts[path] else _cut(texts[path], self.config)
            self._files[path] = file
            for start, end, words in file.windows:
                for word in words:
                    postings.setdefault(word, []).append(len(self._windows))
                self._windows.append((path, start, end))
        lines = Counter(
            stripped for file in self._files.values() for line in file.lines if len(stripped := line.strip()) >= 4
        )
        self._lines = sorted(lines.items())
        count = max(1, len(self._windows))
        limit = max(2.0, self.config.common * count)
        self._postings = {w: np.asarray(p, dtype=np.int32) for w, p in postings.items() if len(p) <= limit}
        self._idf = {w: math.log(1 + count / len(p)) for w, p in self._postings.items()}

    def __len__(self) -> int:
        return len(self._windows)

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    def lines_starting(self, typed: str, k: int) -> list[str]:
        """The rests of the workspace's lines that start as `typed` (the cursor's line so far, without its
        indentation), the `k` most frequent first; none when more than MAX_LINE_MATCHES lines match."""
        if not typed.strip():
            return []
        low = bisect.bisect_left(self._lines, (typed,))
        high = bisect.bisect_left(self._lines, (typed + "\U0010ffff",), low)
        if high - low > MAX_LINE_MATCHES:
            return []
        found = sorted(self._lines[low:high], key=lambda item: -item[1])
        return [line[len(typed) :] for line, _ in found if len(line) > len(typed)][:k]

    def search(self, prefix: str, k: int, here: Path | None = None) -> list[Window]:
        """The `k` windows whose words best match those of the last `query_lines` lines of `prefix`, best
        first. Windows of `here` (the cursor's own file) that start before the cursor are left out: the model
        reads them already."""
        c = self.config
        lines = prefix.split("\n")
        cursor = len(lines) - 1
        query = set(WORD.findall("\n".join(lines[max(0, cursor - c.query_lines) :])))
        weights = {w: self._idf[w] for w in query if w in self._idf}
        if not weights:
            return []
        total = sum(weights.values())
        scores = np.zeros(len(self._windows), dtype=np.float32)
        for word, weight in weights.items():
            scores[self._postings[word]] += weight / total
        found: list[Window] = []
        for index in np.argsort(-scores, kind="stable")[: 4 * k + 8]:
            score = float(scores[index])
            if score < c.min_score or len(found) == k:
                break
            path, start, end = self._windows[index]
            if path == here and start <= cursor:
                continue
            lines_of = self._files[path].lines
            found.append(Window(path, start, "\n".join(lines_of[start : end + c.follow_lines]), score))
        return found
