"""Retrieval over the workspace's files: the windows of lines most like the code before the cursor (RepoCoder's
sliding windows, scored by the IDF-weighted share of the query's words they hold), each with the lines that
follow it, for the decoder's project n-gram cache; and the workspace's lines, found by how they start."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

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


class Lines(NamedTuple):
    """The workspace's distinct lines without their indentation (4 characters or more), sorted, and how many
    times each occurs."""

    texts: list[str]
    counts: np.ndarray  # int32, one per line


@dataclass(frozen=True)
class Cut:
    """One file cut into windows: its text, where its lines start, and each window's lines and the ids of its
    words (in the vocabulary of the index that cut it)."""

    text: str
    starts: np.ndarray  # where each line starts in `text`, and len(text) + 1 after the last
    windows: list[tuple[int, int, np.ndarray]]  # (first line, end line, the ids of its words)

    @classmethod
    def of(cls, text: str, windows: list[tuple[int, int, np.ndarray]]) -> Cut:
        """The cut of `text` into `windows` (cut before, e.g. by an index saved on disk)."""
        return cls(text, _line_starts(text.split("\n")), windows)

    def lines(self, start: int, end: int) -> str:
        end = min(end, len(self.starts) - 1)
        return self.text[self.starts[start] : self.starts[end] - 1]


def window_lines(lines: int, config: RetrievalConfig) -> list[tuple[int, int]]:
    """(first line, end line) of each window of a file of `lines` lines."""
    last = max(1, lines - config.window_lines + config.stride)
    return [(start, min(lines, start + config.window_lines)) for start in range(0, last, config.stride)]


def _line_starts(lines: list[str]) -> np.ndarray:
    starts = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)) + 1, out=starts[1:])
    return starts


def _cut(text: str, config: RetrievalConfig, vocab: dict[str, int]) -> Cut:
    lines = text.split("\n")
    windows = []
    for start, end in window_lines(len(lines), config):
        words = {vocab.setdefault(w, len(vocab)) for w in WORD.findall("\n".join(lines[start:end]))}
        windows.append((start, end, np.fromiter(words, dtype=np.int32, count=len(words))))
    return Cut(text, _line_starts(lines), windows)


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
        self.cut_files = 0  # how many files this index cut itself (the others it took from `reuse`)
        files: dict[Path, Cut] = {}
        for path in sorted(texts):
            known = old.get(path)
            text = texts[path]
            if known is not None and known.text == text:
                files[path] = known
            else:
                files[path] = _cut(text, self.config, self._vocab)
                self.cut_files += 1
        self._index(files)

    @classmethod
    def restored(
        cls,
        cuts: Mapping[Path, Cut],
        words: Sequence[str],
        config: RetrievalConfig,
        lines: Lines | None = None,
    ) -> Retriever:
        """The index over files cut before (by an index saved on disk), whose word ids are places in `words`
        (distinct words); nothing is cut again, nor are the lines counted when `lines` (those of an index over
        exactly these files) are given."""
        retriever = cls({}, config)
        retriever._vocab = {word: i for i, word in enumerate(words)}
        retriever._index({path: cuts[path] for path in sorted(cuts)}, lines)
        return retriever

    def _index(self, files: dict[Path, Cut], lines: Lines | None = None) -> None:
        """Index the windows of `files` (in the order given) and their lines (unless given)."""
        self._files = files
        self._windows: list[tuple[Path, int, int]] = []
        words: list[np.ndarray] = []
        for path, file in files.items():
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
        if lines is None:
            counted: Counter[str] = Counter()
            for file in files.values():
                counted.update(map(str.strip, file.text.split("\n")))
            stripped = sorted(line for line in counted if len(line) >= 4)
            lines = Lines(stripped, np.fromiter(map(counted.__getitem__, stripped), np.int32, len(stripped)))
        self.lines = lines

    def __len__(self) -> int:
        return len(self._windows)

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    @property
    def cuts(self) -> Mapping[Path, Cut]:
        """Each file's cut, by path (read only)."""
        return MappingProxyType(self._files)

    def holds(self, texts: Mapping[Path, str]) -> bool:
        """Whether this index is over exactly `texts`."""
        files = self._files
        return len(files) == len(texts) and all(
            (file := files.get(path)) is not None and (file.text is text or file.text == text)
            for path, text in texts.items()
        )

    @property
    def words(self) -> list[str]:
        """The vocabulary: each word at the place of its id."""
        return list(self._vocab)

    def lines_starting(self, typed: str, k: int) -> list[str]:
        """The rests of the workspace's lines that start as `typed` (the cursor's line so far, without its
        indentation), the `k` most frequent first; none when more than MAX_LINE_MATCHES lines match."""
        if not typed.strip():
            return []
        lines, counts = self.lines
        low = bisect.bisect_left(lines, typed)
        high = bisect.bisect_left(lines, typed + "\U0010ffff", low)
        if high - low > MAX_LINE_MATCHES:
            return []
        found = sorted(range(low, high), key=lambda i: -int(counts[i]))
        return [lines[i][len(typed) :] for i in found if len(lines[i]) > len(typed)][:k]

    def search(self, prefix: str, k: int, here: Path | None = None) -> list[Window]:
        """The `k` windows whose words best match those of the last `query_lines` lines of `prefix`, best
        first. Windows of `here` (the cursor's own file) that start before the cursor are left out: the model
        reads them already."""
        c = self.config
        cursor = prefix.count("\n")
        # the cursor's line and those before
        recent = prefix.rsplit("\n", c.query_lines + 1)[-(c.query_lines + 1) :]
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
