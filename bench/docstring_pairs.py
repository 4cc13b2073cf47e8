"""Docstring-generation pairs from Python source, the first sentence of a docstring, and two baselines:
the function's name split into words, and the docstring of the most similar training function.

A pair is a function or method (dunder methods left out) whose docstring's first sentence has at least
`MIN_WORDS` words and whose body has more than the docstring (a docstring-only body has nothing to
describe). Its reference is that first sentence; its code is the function's source with the docstring
lines left out, which is also what the retrieval baseline compares by token Jaccard.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MIN_WORDS = 3

_PARAGRAPH_END = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_NOT_AN_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf)\.|\.\.\.?)$", re.IGNORECASE)
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_CODE_TOKENS = re.compile(r"\w+")


def first_sentence(text: str) -> str:
    """The first sentence of a docstring (or of a generated line) on one line, without its closing
    punctuation: "Return the sum.  More here." → "Return the sum"."""
    paragraph = " ".join(_PARAGRAPH_END.split(text.strip(), maxsplit=1)[0].split())
    for end in _SENTENCE_END.finditer(paragraph):
        if not _NOT_AN_END.search(paragraph[: end.end()]):
            paragraph = paragraph[: end.start() + 1]
            break
    return paragraph.rstrip(".!?:;, ")


def split_name(name: str) -> str:
    """The name baseline: snake_case and CamelCase split into lower-case words (`getHTTPReply_v2` →
    "get http reply v 2")."""
    return " ".join(word.lower() for part in name.split("_") for word in _NAME_WORDS.findall(part))


def code_tokens(code: str) -> frozenset[str]:
    """The set of word tokens (identifiers, keywords, numbers) of some code: what Jaccard compares."""
    return frozenset(_CODE_TOKENS.findall(code))


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


@dataclass(frozen=True)
class Pair:
    """A function with a docstring: where it is, its reference sentence and its code without the docstring."""

    path: str
    qualname: str
    line: int  # 1-based line of its `def`
    name_start: int  # offset of its name in `source`
    reference: str
    code: str = field(repr=False)
    source: str = field(repr=False)  # the whole file, docstring included (the engine leaves it out)

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


def extract_pairs(source: str, path: str = "") -> tuple[list[Pair], Counter[str]]:
    """Every pair in one file, and a count of the functions with a docstring that were left out, by reason."""
    skipped: Counter[str] = Counter()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        skipped["file does not parse"] += 1
        return [], skipped
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    pairs = []
    for qualname, node in _functions(tree.body, ""):
        docstring = ast.get_docstring(node)
        if docstring is None:
            continue
        reference = first_sentence(docstring)
        if is_dunder(node.name):
            skipped["dunder method"] += 1
        elif len(node.body) == 1:
            skipped["only a docstring"] += 1
        elif len(reference.split()) < MIN_WORDS:
            skipped[f"first sentence under {MIN_WORDS} words"] += 1
        else:
            found = re.compile(rf"def\s+({re.escape(node.name)})\b").search(
                source, starts[node.lineno - 1] + node.col_offset
            )
            if found is None:
                skipped["name not found"] += 1
                continue
            doc = node.body[0]
            end = starts[min(node.end_lineno or node.lineno, len(starts) - 1)]
            code = source[starts[node.lineno - 1] : starts[doc.lineno - 1]]
            code += source[starts[doc.end_lineno or doc.lineno] : end]
            pairs.append(Pair(path, qualname, node.lineno, found.start(1), reference, code, source))
    return pairs, skipped


def _functions(
    body: list[ast.stmt], scope: str
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(qualified name, node) of every function and method, nested ones included, in source order."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"{scope}{node.name}", node
            yield from _functions(node.body, f"{scope}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, f"{scope}{node.name}.")
        else:
            for child in ast.iter_child_nodes(node):  # functions under if/try/with blocks
                if isinstance(child, ast.stmt):
                    yield from _functions([child], scope)


class RetrievalIndex:
    """Training functions by their code tokens; `nearest` answers with the reference sentence of the one
    with the highest token Jaccard similarity (ties: the first indexed)."""

    def __init__(self, entries: Iterable[tuple[frozenset[str], str]]) -> None:
        self.sizes: list[int] = []
        self.sentences: list[str] = []
        self.postings: dict[str, list[int]] = {}
        for tokens, sentence in entries:
            for token in tokens:
                self.postings.setdefault(token, []).append(len(self.sizes))
            self.sizes.append(len(tokens))
            self.sentences.append(sentence)

    @classmethod
    def from_sources(cls, sources: Iterable[str]) -> RetrievalIndex:
        """Every pair (same rules as the held-out ones) of the given files."""
        return cls(
            (code_tokens(pair.code), pair.reference)
            for source in sources
            for pair in extract_pairs(source)[0]
        )

    def __len__(self) -> int:
        return len(self.sizes)

    def nearest(self, tokens: frozenset[str]) -> str:
        """The reference sentence of the most similar training function; "" when none shares a token."""
        overlap: Counter[int] = Counter()
        for token in tokens:
            overlap.update(self.postings.get(token, ()))
        best, best_score = -1, 0.0
        for index, shared in overlap.items():
            score = shared / (len(tokens) + self.sizes[index] - shared)
            if score > best_score or (score == best_score and index < best):
                best, best_score = index, score
        return self.sentences[best] if best >= 0 else ""
