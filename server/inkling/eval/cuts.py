"""Cut points for line completion: seeded, uniformly random token starts that are not first on their line."""

from __future__ import annotations

import bisect
import logging
import random
import re
import tokenize
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from inkling.eval.metrics import FSTRING_END, FSTRING_START, NON_TEXT_TOKENS

log = logging.getLogger(__name__)

# Physical lines exactly as `io.StringIO(text).readline` yields them to tokenize: split on "\n" only.
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class CutPoint:
    """Where the cursor stands: a file, a character offset into its text, and the same as line / column."""

    path: str
    offset: int  # characters into the text
    line: int  # 1-based
    col: int  # 0-based, in characters


@dataclass(frozen=True)
class Example:
    """One line-completion case: prefix + target + the line ending + suffix is the whole document."""

    cut: CutPoint
    prefix: str  # the document up to the cut
    suffix: str  # the document from the next line on (the rest of the current line is removed)
    target: str  # the rest of the current line from the cut, without its line ending
    ending: str = "\n"  # the current line's ending ("" on a last line without one)

    @property
    def editor_suffix(self) -> str:
        """The text after the cursor in an editor where the rest of the line was not typed yet."""
        return self.ending + self.suffix


@dataclass(frozen=True)
class CutSample:
    """What sampling produced: the examples, the files skipped because they do not tokenize, the pool size."""

    examples: list[Example]
    skipped: list[str]
    candidates: int


class UntokenizableError(ValueError):
    """The text is not Python that the `tokenize` module can read to the end."""


def candidate_cuts(path: str, text: str) -> list[CutPoint]:
    """Every cut point of one file, in order; raises UntokenizableError when the file does not tokenize.

    A cut is the start of a token, other than NEWLINE / NL / INDENT / DEDENT / ENDMARKER / ENCODING, with
    something other than whitespace before it on its physical line (so never the first token of a line,
    including the line where a multi-line string ends) and a non-blank rest of the line. Comments are cuts;
    a multi-line string is cut only at its start.
    """
    return [CutPoint(path, offset, line, col) for offset, line, col in _cut_positions(text)]


def make_example(path: str, text: str, offset: int) -> Example:
    """The example for a cut at `offset`: the target stops before "\\r\\n" or "\\n"."""
    cut = _cut_at(path, text, offset)
    newline = text.find("\n", offset)
    if newline < 0:
        return Example(cut, text[:offset], "", text[offset:], ending="")
    end = newline - 1 if newline > offset and text[newline - 1] == "\r" else newline
    return Example(cut, text[:offset], text[newline + 1 :], text[offset:end], ending=text[end : newline + 1])


def sample_cuts(files: list[tuple[str, str]], n: int, seed: int) -> CutSample:
    """n cut points drawn without replacement, uniformly among all cuts of all files, in file order.

    The same seed and the same (path, text) list give the same sample. Files that do not tokenize are
    skipped and listed. Only the cut offsets are kept while counting, so large evaluation sets stay cheap.
    """
    offsets: list[array[int]] = []
    skipped: list[str] = []
    for path, text in files:
        try:
            offsets.append(array("q", [offset for offset, _, _ in _cut_positions(text)]))
        except UntokenizableError:
            offsets.append(array("q"))
            skipped.append(path)
    ends: list[int] = []
    total = 0
    for file_offsets in offsets:
        total += len(file_offsets)
        ends.append(total)
    chosen = sorted(random.Random(seed).sample(range(total), min(n, total)))
    examples: list[Example] = []
    for index in chosen:
        i = bisect.bisect_right(ends, index)
        start = ends[i] - len(offsets[i])
        path, text = files[i]
        examples.append(make_example(path, text, offsets[i][index - start]))
    return CutSample(examples, skipped, total)


def sample_examples(files: list[tuple[str, str]], n: int, seed: int) -> list[Example]:
    """`sample_cuts(...).examples`, logging how many files were skipped because they do not tokenize."""
    sample = sample_cuts(files, n, seed)
    if sample.skipped:
        log.warning(
            "skipped %d of %d files that do not tokenize (first: %s)",
            len(sample.skipped),
            len(files),
            ", ".join(sample.skipped[:3]),
        )
    return sample.examples


def _cut_at(path: str, text: str, offset: int) -> CutPoint:
    line_start = text.rfind("\n", 0, offset) + 1
    return CutPoint(path, offset, text.count("\n", 0, offset) + 1, offset - line_start)


def _cut_positions(text: str) -> list[tuple[int, int, int]]:
    """(offset, line, col) of every cut, in order."""
    lines = _LINE.findall(text)
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line)
    cuts: list[tuple[int, int, int]] = []
    fstring_depth = 0  # > 0 inside an f-string that the tokenizer splits into parts (Python 3.12+)
    for tok in _tokenize(lines):
        if tok.type in FSTRING_END:
            fstring_depth -= 1
            continue
        inside = fstring_depth > 0
        if tok.type in FSTRING_START:
            fstring_depth += 1
        if inside or tok.type in NON_TEXT_TOKENS:
            continue
        row, col = tok.start
        line_start = starts[row - 1]
        offset = line_start + col
        first_line = tok.string.split("\n", 1)[0].removesuffix("\r")
        if not text.startswith(first_line, offset):
            raise UntokenizableError(f"token {tok.string[:20]!r} is not at line {row}, column {col}")
        if text[line_start:offset].strip() and _rest_of_line(text, offset).strip():
            cuts.append((offset, row, col))
    return cuts


def _tokenize(lines: list[str]) -> Iterator[tokenize.TokenInfo]:
    it = iter(lines)
    try:
        yield from tokenize.generate_tokens(lambda: next(it, ""))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise UntokenizableError(str(exc)) from exc


def _rest_of_line(text: str, offset: int) -> str:
    newline = text.find("\n", offset)
    return text[offset:] if newline < 0 else text[offset:newline]
