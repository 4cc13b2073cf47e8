"""Smoothed BLEU-4 as CodeXGLUE computes it, and the docstring pairs, first sentences and baselines."""

from __future__ import annotations

import math
import textwrap

import pytest

from bench.bleu import normalize, prepare, sentence_bleu, smoothed_bleu
from bench.docstring_pairs import (
    RetrievalIndex,
    code_tokens,
    extract_pairs,
    first_sentence,
    split_name,
)

# --- BLEU ---


def test_identical_sentences_score_100() -> None:
    assert sentence_bleu("Return the sum of two numbers.", "Return the sum of two numbers.") == 100.0
    assert sentence_bleu("a b", "a b") == 100.0  # shorter than four words: no 3- or 4-grams, still 100


def test_disjoint_sentences_score_a_tiny_positive_number() -> None:
    """No word in common: the unigram precision is 0, which CodeXGLUE does not smooth, but it adds
    sys.float_info.min inside the logarithm, so the score is positive and astronomically small."""
    score = sentence_bleu("alpha beta gamma delta", "epsilon zeta eta theta")
    assert 0.0 < score < 1e-50


def test_partial_overlap_by_hand() -> None:
    # 6 words each. 1-grams: 5/6 match (no smoothing); 2-grams: 3/5 → (3+1)/(5+1); 3-grams: 1/4 →
    # (1+1)/(4+1); 4-grams: 0/3 → (0+1)/(3+1); same length: no brevity penalty.
    expected = 100.0 * (5 / 6 * 4 / 6 * 2 / 5 * 1 / 4) ** 0.25
    got = sentence_bleu("return the sum of two numbers", "return the total of two numbers")
    assert got == pytest.approx(expected)
    assert got == pytest.approx(48.549, abs=1e-3)


def test_brevity_penalty_of_a_short_hypothesis() -> None:
    # Every n-gram of "return the sum" matches; 4-grams: 0/0 → 1/1. Penalty: 1 - (6 + 1) / (3 + 1).
    got = sentence_bleu("return the sum of two numbers", "return the sum")
    assert got == pytest.approx(100.0 * math.exp(1 - 7 / 4))


def test_an_empty_hypothesis_scores_only_its_brevity_penalty() -> None:
    """CodeXGLUE's quirk, kept: 0/0 precisions count as 1, so an empty answer gets exp(1 - (r + 1))."""
    assert sentence_bleu("x y z", "") == pytest.approx(100.0 * math.exp(-3))


def test_lower_cased_and_split_on_punctuation() -> None:
    assert prepare("  Return `x`, not Y!\n") == "return ` x ` , not y !"
    assert prepare("Foo(bar_baz)") == "foo ( bar_baz )"
    assert normalize("foo ( bar_baz )") == ["foo", "(", "bar", "_", "baz", ")"]  # NIST splits "_" too
    assert sentence_bleu("Return the SUM.", "return the sum .") == 100.0
    assert sentence_bleu("Return `x`, not y!", "return ` x ` , not y !") == 100.0
    assert sentence_bleu("Return the sum.", "Return the sum") < 100.0  # the period is a word


def test_several_references_clip_by_the_most_generous() -> None:
    assert sentence_bleu(["the cat sat", "a dog ran"], "a dog ran") == 100.0


def test_smoothed_bleu_is_the_mean_over_sentences() -> None:
    refs = ["return the sum of two numbers", "alpha beta"]
    hyps = ["return the sum of two numbers", "gamma delta"]
    assert smoothed_bleu(refs, hyps) == pytest.approx(50.0)
    assert smoothed_bleu([], []) == 0.0
    with pytest.raises(ValueError):
        smoothed_bleu(["a"], [])


# --- first sentence and the name baseline ---


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Return the sum.", "Return the sum"),
        ("Return the sum.  More words here.", "Return the sum"),
        ("Return the\n    sum over lines. Then more.", "Return the sum over lines"),
        ("Title line\n\nBody paragraph. More.", "Title line"),
        ("Use a default, e.g. zero. Then", "Use a default, e.g. zero"),
        ("Version 1.5 is fine. Next", "Version 1.5 is fine"),
        ("Is it ready? Yes.", "Is it ready"),
        ("Arguments:", "Arguments"),
        ("", ""),
    ],
)
def test_first_sentence(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("get_best_encoding", "get best encoding"),
        ("_private_name", "private name"),
        ("getHTTPResponse", "get http response"),
        ("HTMLParser", "html parser"),
        ("parseURL", "parse url"),
        ("md5_hex2", "md 5 hex 2"),
    ],
)
def test_split_name(name: str, words: str) -> None:
    assert split_name(name) == words


# --- pairs and retrieval ---

SOURCE = textwrap.dedent(
    '''\
    def add(a, b):
        """Return the sum of a and b.

        More detail.
        """
        return a + b


    def only_doc():
        """Nothing else is in this body."""


    class Box:
        def __init__(self):
            """Make an empty box here."""
            self.items = []

        @property
        def size(self):
            """Count the items in the box."""
            return len(self.items)

        def short(self):
            """Too short."""
            return 1

        if True:
            def guarded(self):
                """A method under an if block."""
                return 2
    '''
)


def test_extract_pairs() -> None:
    pairs, skipped = extract_pairs(SOURCE, "box.py")
    assert [(p.qualname, p.line, p.reference) for p in pairs] == [
        ("add", 1, "Return the sum of a and b"),
        ("Box.size", 19, "Count the items in the box"),
        ("Box.guarded", 28, "A method under an if block"),
    ]
    assert skipped == {"only a docstring": 1, "dunder method": 1, "first sentence under 3 words": 1}
    add = pairs[0]
    assert SOURCE[add.name_start : add.name_start + 3] == "add" and add.name == "add"
    assert add.code == "def add(a, b):\n    return a + b\n"  # the docstring's lines left out
    assert pairs[1].name == "size"
    assert extract_pairs("def broken(:\n", "x.py") == ([], {"file does not parse": 1})


def test_retrieval_finds_the_most_similar_function() -> None:
    training = [
        'def total(values):\n    """Add up all the values."""\n    return sum(values)\n',
        'def open_file(path):\n    """Open the file at a path."""\n    with open(path) as f:\n'
        "        return f.read()\n",
    ]
    index = RetrievalIndex.from_sources(training)
    assert len(index) == 2
    query = code_tokens("def read_all(path):\n    with open(path) as handle:\n        return handle.read()\n")
    assert index.nearest(query) == "Open the file at a path"
    assert index.nearest(code_tokens("values = sum(values)")) == "Add up all the values"
    assert index.nearest(frozenset({"nothing_in_common"})) == ""


def test_retrieval_ties_go_to_the_first_indexed() -> None:
    index = RetrievalIndex([(frozenset({"a", "b"}), "first"), (frozenset({"a", "c"}), "second")])
    assert index.nearest(frozenset({"a"})) == "first"
