"""Smoothed sentence-level BLEU-4 exactly as the CodeXGLUE code-to-text evaluator (`bleu.py`) computes it.

A port of its `splitPuncts` → `computeMaps` → `bleu` (`cook_refs`, `cook_test`, `score_cooked` with
`smooth=1`) → `bleuFromMaps` chain, itself Moses' `bleu.py` after NIST mteval-v11a: the texts are
stripped and lower-cased, split into words and single punctuation marks, then NIST-normalized; n-gram
precisions for n > 1 get add-one smoothing (Lin & Och 2004), n = 1 none; the brevity penalty is
min(0, 1 - (r + 1) / (c + 1)) in log space. `sys.float_info.min` inside the logarithms is kept, so a
hypothesis sharing no word with its reference scores a tiny positive number rather than 0. Scores are ×100
and averaged over sentences.
"""

from __future__ import annotations

import math
import re
import sys
import xml.sax.saxutils
from collections.abc import Sequence
from dataclasses import dataclass

ORDER = 4
_TINY = sys.float_info.min

_WORDS_AND_PUNCTUATION = re.compile(r"[\w]+|[^\s\w]")
_NORMALIZE1 = [  # language-independent
    (re.compile("<skipped>"), ""),
    (re.compile(r"-\n"), ""),
    (re.compile(r"\n"), " "),
]
_NORMALIZE2 = [  # western languages
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),  # punctuation (not the apostrophe)
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),  # period and comma unless after a digit
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),  # period and comma unless before a digit
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),  # a dash after a digit
]


@dataclass(frozen=True)
class Cooked:
    """What BLEU needs to know about one hypothesis against its references."""

    testlen: int
    reflen: int  # the shortest reference's length
    guess: tuple[int, ...]  # n-grams in the hypothesis, n = 1..ORDER
    correct: tuple[int, ...]  # of those, clipped matches in the references


def split_puncts(line: str) -> str:
    """CodeXGLUE's `splitPuncts`: words and single punctuation marks, joined by spaces."""
    return " ".join(_WORDS_AND_PUNCTUATION.findall(line))


def prepare(text: str) -> str:
    """What `computeMaps` keeps of a reference or prediction line: stripped, lower-cased, split."""
    return split_puncts(text.strip().lower())


def normalize(text: str) -> list[str]:
    """NIST mteval-v11a tokenization, as in Moses' `bleu.py` (lower-casing, punctuation split off)."""
    for pattern, replacement in _NORMALIZE1:
        text = pattern.sub(replacement, text)
    text = xml.sax.saxutils.unescape(text, {"&quot;": '"'})
    text = f" {text} ".lower()
    for pattern, replacement in _NORMALIZE2:
        text = pattern.sub(replacement, text)
    return text.split()


def count_ngrams(words: Sequence[str], n: int = ORDER) -> dict[tuple[str, ...], int]:
    counts: dict[tuple[str, ...], int] = {}
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            ngram = tuple(words[i : i + k])
            counts[ngram] = counts.get(ngram, 0) + 1
    return counts


def cook(references: Sequence[str], hypothesis: str, n: int = ORDER) -> Cooked:
    """`cook_refs` then `cook_test`: lengths, n-gram totals and clipped matches."""
    refs = [normalize(ref) for ref in references]
    maxcounts: dict[tuple[str, ...], int] = {}
    for ref in refs:
        for ngram, count in count_ngrams(ref, n).items():
            maxcounts[ngram] = max(maxcounts.get(ngram, 0), count)
    test = normalize(hypothesis)
    correct = [0] * n
    for ngram, count in count_ngrams(test, n).items():
        correct[len(ngram) - 1] += min(maxcounts.get(ngram, 0), count)
    guess = tuple(max(len(test) - k + 1, 0) for k in range(1, n + 1))
    return Cooked(len(test), min(len(ref) for ref in refs), guess, tuple(correct))


def score_cooked(cooked: Sequence[Cooked], n: int = ORDER) -> float:
    """`score_cooked(..., smooth=1)[0]`: the smoothed BLEU of the summed counts, in [0, 1]."""
    testlen = sum(c.testlen for c in cooked)
    reflen = sum(c.reflen for c in cooked)
    logbleu = 0.0
    for k in range(n):
        correct = sum(c.correct[k] for c in cooked)
        guess = sum(c.guess[k] for c in cooked)
        add = 1 if k > 0 else 0
        logbleu += math.log(correct + add + _TINY) - math.log(guess + add + _TINY)
    logbleu /= float(n)
    brevity_penalty = min(0.0, 1 - float(reflen + 1) / (testlen + 1))
    return math.exp(logbleu + brevity_penalty)


def sentence_bleu(reference: str | Sequence[str], hypothesis: str) -> float:
    """Smoothed BLEU-4 of one hypothesis against its reference(s), ×100, as `bleuFromMaps` adds it up."""
    references = [reference] if isinstance(reference, str) else list(reference)
    return 100.0 * score_cooked([cook([prepare(r) for r in references], prepare(hypothesis))])


def smoothed_bleu(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """`bleuFromMaps(computeMaps(...))[0]`: the mean sentence BLEU over aligned pairs, ×100 (0 for none)."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not references:
        return 0.0
    return sum(sentence_bleu(r, h) for r, h in zip(references, hypotheses, strict=True)) / len(references)
