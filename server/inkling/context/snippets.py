"""Functions to adapt for a generating command: the self-contained functions of a body of code, found by how
their docstring (or the comment above them) and their name read against the user's comment, and rewritten to
the user's signature."""

from __future__ import annotations

import ast
import builtins
import gzip
import io
import json
import math
import re
import textwrap
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from inkling.atomic import atomic_write

FORMAT = 1  # the version of the file `save` writes
MAX_BODY_LINES = 15  # a longer function is not offered: adapting it is rarely what a comment asks
MAX_BODY_CHARS = 600
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_STOP = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "given", "if", "in", "into", "is", "it"}
    | {
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "then",
        "this",
        "to",
        "with",
        "return",
        "returns",
    }
)
_BUILTINS = frozenset(dir(builtins))
_SENTENCE = re.compile(r"(?<=[.!?])\s")
_IDENTIFIER = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a comment or an identifier, lower case, without common English words and without a
    plural's "s" (`countVowels`, "count the vowels" → count, vowel)."""
    found = []
    for word in _WORD.findall(text):
        word = word.lower()
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in _STOP:
            found.append(word)
    return found


@dataclass(frozen=True)
class Snippet:
    """One function: where it comes from, what it says it does, its positional parameters, and its body
    (dedented, without its docstring)."""

    origin: str
    name: str
    params: tuple[str, ...]
    header: str  # the `def` line(s), dedented
    body: str
    description: str

    def function(self) -> str:
        """The whole function, as it would go after a comment."""
        return self.header + "\n" + textwrap.indent(self.body, "    ")

    def body_for(self, name: str, params: tuple[str, ...]) -> str | None:
        """The body with its parameters and its own name renamed to `params` and `name` (position by
        position); None when the counts differ or a new name is one the body already uses otherwise."""
        if len(params) != len(self.params):
            return None
        renames = {old: new for old, new in zip((self.name, *self.params), (name, *params), strict=True)}
        renames = {old: new for old, new in renames.items() if old != new}
        return _rename(self.body, renames)


def _rename(source: str, renames: Mapping[str, str]) -> str | None:
    """`source` with each NAME token in `renames` replaced (not an attribute after a dot, not a keyword
    argument's name); None when it does not tokenize or a new name is already in it."""
    if not renames:
        return source
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    names = {t.string for t in tokens if t.type == tokenize.NAME}
    if names & (set(renames.values()) - set(renames)):
        return None
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in renames:
            continue
        before = tokens[i - 1].string if i else ""
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if before == "." or (after == "=" and before in ("(", ",")):
            continue
        edits.append((*token.start, renames[token.string]))
    for row, column, new in reversed(edits):
        line = lines[row - 1]
        old = _identifier_at(line, column)
        lines[row - 1] = line[:column] + new + line[column + len(old) :]
    return "".join(lines)


def _identifier_at(line: str, column: int) -> str:
    match = _IDENTIFIER.match(line, column)
    return match.group(0) if match else ""


def _description(node: ast.FunctionDef, lines: list[str]) -> str:
    """The first sentence of the docstring, or else the comment lines right above the `def`."""
    doc = ast.get_docstring(node)
    if doc:
        first = doc.strip().split("\n\n", 1)[0]
        return " ".join(_SENTENCE.split(" ".join(first.split()), 1)[0].split())
    above = []
    row = node.lineno - 2 - len(node.decorator_list)
    while row >= 0 and lines[row].lstrip().startswith("#"):
        above.append(lines[row].strip().lstrip("#").strip())
        row -= 1
    return " ".join(reversed(above))


def _free_names(node: ast.FunctionDef) -> set[str]:
    """Names the function reads that it neither binds nor gets from the builtins."""
    bound = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
    bound |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    read: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            (read if isinstance(inner.ctx, ast.Load) else bound).add(inner.id)
        elif isinstance(inner, ast.arg):
            bound.add(inner.arg)
        elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(inner.name)
        elif isinstance(inner, ast.alias):
            bound.add((inner.asname or inner.name).split(".")[0])
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            bound.add(inner.name)
    return read - bound - _BUILTINS - {node.name}


def _is_constant(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def extract(source: str, origin: str, self_contained: bool = True) -> list[Snippet]:
    """The functions of `source` worth offering: described, short, not methods of an instance or class,
    not decorated (but for @staticmethod), with a body that is more than a placeholder; with
    `self_contained`, only those that read no name but their own and the builtins'."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or node.args.vararg or node.args.kwarg:
            continue
        if any(not (isinstance(d, ast.Name) and d.id == "staticmethod") for d in node.decorator_list):
            continue
        params = tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args))
        if params[:1] in (("self",), ("cls",)) or node.args.kwonlyargs:
            continue
        description = _description(node, lines)
        body_nodes = node.body[1:] if ast.get_docstring(node) else node.body
        if len(words(description)) < 2 or not body_nodes or node.end_lineno is None:
            continue
        if all(isinstance(b, ast.Pass | ast.Raise) or _is_constant(b) for b in body_nodes):
            continue
        if self_contained and _free_names(node):
            continue
        first = body_nodes[0].lineno - 1
        header_lines = lines[node.lineno - 1 : node.body[0].lineno - 1]
        if not header_lines or ";" in lines[first] or node.body[0].lineno == node.lineno:
            continue  # a one-line `def f(): return x` has no body of its own to take
        body = textwrap.dedent("\n".join(lines[first : node.end_lineno])).rstrip() + "\n"
        if len(body.splitlines()) > MAX_BODY_LINES or len(body) > MAX_BODY_CHARS:
            continue
        header = textwrap.dedent("\n".join(header_lines)).rstrip()
        if not header.startswith("def ") or not header.endswith(":"):
            continue
        found.append(Snippet(origin, node.name, params, header, body, description))
    return found


class SnippetIndex:
    """Snippets and an inverted index from the words of their descriptions and names, scored by the
    IDF-weighted share of the query's words each holds."""

    def __init__(self, snippets: Iterable[Snippet]) -> None:
        self.snippets: list[Snippet] = []
        seen: set[str] = set()
        for snippet in snippets:
            if snippet.body not in seen:
                seen.add(snippet.body)
                self.snippets.append(snippet)
        self._postings: dict[str, list[int]] = {}
        for i, snippet in enumerate(self.snippets):
            for word in set(words(snippet.description)) | set(words(snippet.name)):
                self._postings.setdefault(word, []).append(i)
        total = max(1, len(self.snippets))
        self._idf = {word: math.log(1 + total / len(ids)) for word, ids in self._postings.items()}

    def __len__(self) -> int:
        return len(self.snippets)

    def search(self, query: str, k: int, min_score: float = 0.5) -> list[tuple[float, Snippet]]:
        """The `k` snippets holding the largest share of the query words' weight (at least `min_score`),
        best first; among equals, the shorter body first."""
        asked = set(words(query))
        weight = sum(self._idf.get(word, 0.0) for word in asked)
        if weight == 0:
            return []
        scores: dict[int, float] = {}
        for word in asked:
            for i in self._postings.get(word, ()):
                scores[i] = scores.get(i, 0.0) + self._idf[word]
        ranked = sorted(scores.items(), key=lambda item: (-item[1], len(self.snippets[item[0]].body)))
        return [(score / weight, self.snippets[i]) for i, score in ranked[:k] if score / weight >= min_score]

    def save(self, path: Path) -> None:
        """Write the snippets to a gzipped JSON file (atomically; the same snippets give the same bytes)."""
        rows = [[s.origin, s.name, list(s.params), s.header, s.body, s.description] for s in self.snippets]
        data = json.dumps({"format": FORMAT, "snippets": rows}, separators=(",", ":")).encode("utf-8")
        atomic_write(path, lambda tmp: tmp.write_bytes(gzip.compress(data, compresslevel=9, mtime=0)))

    @classmethod
    def load(cls, path: Path) -> SnippetIndex:
        """The index `save` wrote; ValueError when the file is not one."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = json.load(f)
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
            snippets = [
                Snippet(str(o), str(n), tuple(str(p) for p in ps), str(h), str(b), str(d))
                for o, n, ps, h, b, d in data["snippets"]
            ]
        except (
            OSError,
            EOFError,
            UnicodeDecodeError,
            json.JSONDecodeError,
            KeyError,
            TypeError,
            AttributeError,
        ) as error:
            raise ValueError(f"{path} is not a snippet index: {error}") from error
        return cls(snippets)
