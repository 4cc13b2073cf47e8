"""Retrieval over the workspace's files: the windows of lines most like the code before the cursor (RepoCoder's
sliding windows, scored by the IDF-weighted share of the query's words they hold), each with the lines that
follow it, for the decoder's project n-gram cache; and the workspace's lines, found by how they start."""

from __future__ import annotations

import bisect
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
    starts: np.ndarray  # where each line starts in `text`, and len(text) + 1 after the last
    windows: list[tuple[int, int, np.ndarray]]  # (first line, end line, the ids of its words)

    def lines(self, start: int, end: int) -> str:
        end = min(end, len(self.starts) - 1)
        return self.text[self.starts[start] : self.starts[end] - 1]


def _cut(text: str, config: RetrievalConfig, vocab: dict[str, int]) -> _File:
    lines = text.split("\n")
    starts = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) + 1 for line in lines], out=starts[1:])
    windows = []
    for start in range(0, max(1, len(lines) - config.window_lines + config.stride), config.stride):
        end = min(len(lines), start + config.window_lines)
        words = {vocab.setdefault(w, len(vocab)) for w in WORD.findall("\n".join(lines[start:end]))}
        windows.append((start, end, np.fromiter(words, dtype=np.int32, count=len(words))))
    return _File(text, starts, windows)


class Retriever:
    """An inverted index from words to windows, over a snapshot of the workspace's texts, and its lines sorted;
    a file whose text is unchanged since `reuse` (the previous index) is not cut again."""

    def __init__(
        self, texts: Mapping[Path, str], config: RetrievalConfig | None = None, reuse: Retriever | None = None
    ) -> None:
        self.config = config or RetrievalConfig()
        same = reuse is not None and reuse.config == self.config
        old = reuse._files if reuse is not None and same else {}
        self._vocab: dict[str, int] = reuse._vocab if reuse is not None and same else {}
        self._files: dict[Path, _File] = {}
        self._windows: list[tuple[Path, int, int]] = []
        words: list[np.ndarray] = []
        for path in sorted(texts):
            known = old.get(path)
            text = texts[path]
            file = known if known is not None and known.text == text else _cut(text, self.config, self._vocab)
            self._files[path] = file
            for start, end, ids in file.windows:
                self._windows.append((path, start, end))
                words.append(ids)
        # postings as one array of window ids ordered by word (`_first[w]` to `_first[w + 1]` for word w)
        sizes = np.fromiter((len(ids) for ids in words), dtype=np.int64, count=len(words))
        flat = np.concatenate(words) if words else np.empty(0, dtype=np.int32)
        owners = np.repeat(np.arange(len(words), dtype=np.int32), sizes)
        ranked = np.argsort(flat, kind="stable")
        self._postings = owners[ranked]
        counts = np.bincount(flat, minlength=len(self._vocab))
        self._first = np.concatenate(([0], np.cumsum(counts)))
        count = max(1, len(self._windows))
        common = counts > max(2.0, self.config.common * count)
        self._idf = np.where(common | (counts == 0), 0.0, np.log1p(count / np.maximum(counts, 1)))
        lines = Counter(
            stripped for text in texts.values() for line in text.split("\n") if len(stripped := line.strip()) >= 4
        )
        self._lines = sorted(lines)
        self._line_counts = np.fromiter((lines[line] for line in self._lines), dtype=np.int32, count=len(lines))

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
        low = bisect.bisect_left(self._lines, typed)
        high = bisect.bisect_left(self._lines, typed + "\U0010ffff", low)
        if high - low > MAX_LINE_MATCHES:
            return []
        found = sorted(range(low, high), key=lambda i: -int(self._line_counts[i]))
        return [self._lines[i][len(typed) :] for i in found if len(self._lines[i]) > len(typed)][:k]

    def search(self, prefix: str, k: int, here: Path | None = None) -> list[Window]:
        """The `k` windows whose words best match those of the last `query_lines` lines of `prefix`, best
        first. Windows of `here` (the cursor's own file) that start before the cursor are left out: the model
        reads them already."""
        c = self.config
        cursor = prefix.count("\n")
        recent = prefix.rsplit("\n", c.query_lines + 1)[-(c.query_lines + 1) :]  # the cursor's line and those before
        query = {self._vocab.get(w, -1) for w in WORD.findall("\n".join(recent))}
        known = len(self._idf)  # the vocabulary is shared with newer indexes, which may have added words
        ids = np.fromiter((w for w in query if 0 <= w < known and self._idf[w] > 0), dtype=np.int64)
        if not len(ids):
            return []
        total = float(self._idf[ids].sum())
        scores = np.zeros(len(self._windows), dtype=np.float32)
        for word in ids:
            scores[self._postings[self._first[word] : self._first[word + 1]]] += self._idf[word] / total
        found: list[Window] = []
        for index in np.argsort(-scores, kind="stable")[: 4 * k + 8]:
            score = float(scores[index])
            if score < c.min_score or len(found) == k:
                break
            path, start, end = self._windows[index]
            if path == here and start <= cursor:
                continue
            found.append(Window(path, start, self._files[path].lines(start, end + c.follow_lines), score))
        return found
