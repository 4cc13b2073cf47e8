"""Training-text transforms, fill-in-the-middle and docstring-after-body, with spans from Python's parser."""

from __future__ import annotations

import ast
import io
import random
import tokenize
import warnings
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from inkling.data.comments import docstrings_to_comments
from inkling.specials import DOCSTRING, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX

Span = tuple[int, int]

# Relative weights of the three kinds of middle: the rest of a line from a token start, the body of a block,
# a whole multi-line statement. An editor user mostly asks for the first two.
_KIND_WEIGHTS = (0.5, 0.3, 0.2)
# Block and statement middles longer than this are not offered (nobody asks an editor for 300 lines).
_MAX_MIDDLE_LINES = 40
# A same-length stand-in for DOCSTRING that parses: `<|docstring|>"""Doc."""` becomes
# `____________+"""Doc."""`, so text already through docstring_after_body still parses for FIM, with the
# same offsets.
_PLACEHOLDER_NAME = "_" * (len(DOCSTRING) - 1)
_PLACEHOLDER = _PLACEHOLDER_NAME + "+"
_NOT_A_CURSOR = frozenset(
    {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ERRORTOKEN}
)
_INDENT_CHARS = " \t\f"
_Body = list[ast.stmt]


@dataclass(frozen=True)
class TransformConfig:
    """How often each transform is applied to a document."""

    fim_rate: float = 0.5
    spm_rate: float = 0.5  # fraction of FIM examples in suffix-prefix-middle order
    docstring_rate: float = 0.5  # probability that a document gets the docstring-after-body transform
    comment_rate: float = 0.0  # probability that a document's docstrings become comments (data/comments.py)

    def __post_init__(self) -> None:
        for name in ("fim_rate", "spm_rate", "docstring_rate", "comment_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"TransformConfig.{name} must be in [0, 1], got {value!r}")


@dataclass(frozen=True)
class _Source:
    """A parsed document and its line table; `parsed` is `text` with DOCSTRING swapped for the stand-in."""

    text: str
    parsed: str
    tree: ast.Module
    line_starts: list[int]  # character offset of each line (split at "\n", as ast and tokenize count lines)
    line_ends: list[int]  # character offset of each line's end, before "\n" or "\r\n"
    markers: list[int]  # character offsets of the DOCSTRING markers in text

    def offset(self, lineno: int, col: int) -> int:
        """Character offset of an ast position (1-based line, UTF-8 byte column)."""
        start = self.line_starts[lineno - 1]
        line = self.text[start : self.line_ends[lineno - 1]]
        if line.isascii():
            return start + col
        return start + len(line.encode("utf-8")[:col].decode("utf-8"))

    def next_line(self, lineno: int) -> int:
        """Character offset just past line `lineno`'s newline (the end of text for the last line)."""
        return self.line_starts[lineno] if lineno < len(self.line_starts) else len(self.text)


def _parse(text: str) -> _Source | None:
    """Parse text once for both transforms, or None if it is not Python that ast and tokenize agree on."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a lone "\r" ends a line for ast but not for our line table
    markers: list[int] = []
    parsed = text
    if DOCSTRING in text:
        parsed = text.replace(DOCSTRING, _PLACEHOLDER)
        at = text.find(DOCSTRING)
        while at >= 0:
            markers.append(at)
            at = text.find(DOCSTRING, at + len(DOCSTRING))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            tree = ast.parse(parsed)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    pieces = text.split("\n")
    starts = [0, *accumulate(len(piece) + 1 for piece in pieces[:-1])]
    ends = [s + len(p) - (1 if p.endswith("\r") else 0) for s, p in zip(starts, pieces, strict=True)]
    return _Source(text, parsed, tree, starts, ends, markers)


def _child_bodies(node: ast.stmt) -> list[_Body]:
    """The statement lists directly inside a compound statement."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.With | ast.AsyncWith):
        return [node.body]
    if isinstance(node, ast.If | ast.For | ast.AsyncFor | ast.While):
        return [node.body, node.orelse]
    if isinstance(node, ast.Try | ast.TryStar):
        return [node.body, *(handler.body for handler in node.handlers), node.orelse, node.finalbody]
    if isinstance(node, ast.Match):
        return [case.body for case in node.cases]
    return []


def _bodies(tree: ast.Module) -> list[_Body]:
    """Every non-empty statement list below the module (the module's own body excluded)."""
    found: list[_Body] = []
    pending = [tree.body]
    while pending:
        body = pending.pop()
        for node in body:
            for child in _child_bodies(node):
                if child:
                    found.append(child)
                    pending.append(child)
    return found


def _is_docstring(node: ast.stmt) -> bool:
    """Whether node is a string-literal expression statement (a docstring when first in a body)."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_placeholder(node: ast.stmt) -> bool:
    """Whether node is a moved docstring line (`____________+"..."` in the parsed text)."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.BinOp)
        and isinstance(node.value.left, ast.Name)
        and node.value.left.id == _PLACEHOLDER_NAME
    )


def _stmt_start(src: _Source, node: ast.stmt) -> int:
    """Character offset where a statement starts, its decorators' `@` included."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.decorator_list:
        first = node.decorator_list[0]
        at = src.offset(first.lineno, first.col_offset) - 1
        while at > 0 and src.text[at] != "@":  # only blanks and line continuations separate `@` from it
            at -= 1
        return at
    return src.offset(node.lineno, node.col_offset)


def _starts_line(text: str, offset: int) -> bool:
    """Whether only indentation precedes offset on its line."""
    return not text[text.rfind("\n", 0, offset) + 1 : offset].strip(_INDENT_CHARS)


def _statement_spans(src: _Source) -> tuple[list[Span], list[Span]]:
    """Block bodies (first statement's start to last statement's line end) and multi-line statements."""
    blocks: list[Span] = []
    statements: list[Span] = []
    for body in [src.tree.body, *_bodies(src.tree)]:
        real = [node for node in body if not _is_placeholder(node)] if src.markers else body
        if not real:
            continue
        last = real[-1]
        end = src.line_ends[(last.end_lineno or last.lineno) - 1]
        if body is not src.tree.body:
            for first in real[:2]:
                start = _stmt_start(src, first)
                lines = (last.end_lineno or last.lineno) - bisect_right(src.line_starts, start) + 1
                if (
                    _starts_line(src.text, start)
                    and not src.text.startswith("elif", start)
                    and lines <= _MAX_MIDDLE_LINES
                ):
                    blocks.append((start, end))
                if not _is_docstring(first):  # the body after a docstring is a second candidate
                    break
        for node in real:
            start = _stmt_start(src, node)
            end_lineno = node.end_lineno or node.lineno
            if 1 < end_lineno - bisect_right(src.line_starts, start) + 1 <= _MAX_MIDDLE_LINES:
                statements.append((start, src.line_ends[end_lineno - 1]))
    return blocks, statements


def _line_rest_spans(src: _Source) -> list[Span] | None:
    """From every token start to the end of its line; None if the text does not tokenize."""
    spans: list[Span] = []
    starts, ends = src.line_starts, src.line_ends
    try:
        for token in tokenize.generate_tokens(io.StringIO(src.parsed).readline):
            if token.type in _NOT_A_CURSOR:
                continue
            row, col = token.start  # tokenize columns count characters, not bytes
            begin, end = starts[row - 1] + col, ends[row - 1]
            if end > begin:
                spans.append((begin, end))
    except (tokenize.TokenError, SyntaxError):
        return None
    return spans


def _clear_of_markers(spans: list[Span], markers: list[int]) -> list[Span]:
    """The spans that do not overlap any DOCSTRING marker."""
    if not markers:
        return spans
    width = len(DOCSTRING)
    kept = []
    for begin, end in spans:
        i = bisect_left(markers, begin - width + 1)  # first marker that ends after begin
        if i == len(markers) or markers[i] >= end:
            kept.append((begin, end))
    return kept


def _candidates(src: _Source) -> tuple[list[Span], list[Span], list[Span]]:
    """FIM middles by kind: rest of a line, block body, multi-line statement (all empty if untokenizable)."""
    line_rest = _line_rest_spans(src)
    if line_rest is None:
        return [], [], []
    blocks, statements = _statement_spans(src)
    kinds = (line_rest, blocks, statements)
    return (
        _clear_of_markers(kinds[0], src.markers),
        _clear_of_markers(kinds[1], src.markers),
        _clear_of_markers(kinds[2], src.markers),
    )


def fim_spans(text: str) -> list[Span]:
    """Candidate FIM middles as (start, end) character offsets, sorted; [] if text does not parse.

    Each middle starts at a token start and ends at the end of a line (before its newline). Text may already
    contain docstring-after-body lines; no middle overlaps a DOCSTRING marker.
    """
    src = _parse(text)
    if src is None:
        return []
    line_rest, blocks, statements = _candidates(src)
    return sorted({*line_rest, *blocks, *statements})


def _fim(src: _Source, rng: random.Random, spm: bool) -> str:
    """Cut one middle out of a parsed document and lay it out in PSM or SPM order."""
    pool = [(weight, spans) for weight, spans in zip(_KIND_WEIGHTS, _candidates(src), strict=True) if spans]
    if not pool:
        return src.text
    spans = rng.choices([spans for _, spans in pool], weights=[weight for weight, _ in pool])[0]
    begin, end = rng.choice(spans)
    prefix, middle, suffix = src.text[:begin], src.text[begin:end], src.text[end:]
    if spm:
        return FIM_SUFFIX + suffix + FIM_PREFIX + prefix + FIM_MIDDLE + middle
    return FIM_PREFIX + prefix + FIM_SUFFIX + suffix + FIM_MIDDLE + middle


def apply_fim(text: str, rng: random.Random, spm: bool) -> str:
    """Turn text into one fill-in-the-middle example (PSM, or SPM if spm); unchanged if it has no span."""
    src = _parse(text)
    return text if src is None else _fim(src, rng, spm)


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function and method, nested ones included."""
    return [
        node
        for body in [tree.body, *_bodies(tree)]
        for node in body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _move_docstrings(src: _Source) -> str:
    """docstring_after_body on a parsed document."""
    text = src.text
    # (offset, 0 = insert / 1 = delete, tie-break, end, replacement); inner functions' lines go first.
    edits: list[tuple[int, int, int, int, str]] = []
    for func in _functions(src.tree):
        body = func.body
        if len(body) < 2 or not _is_docstring(body[0]):
            continue
        doc = body[0]
        doc_end_lineno = doc.end_lineno or doc.lineno
        line_start = src.line_starts[doc.lineno - 1]
        start = src.offset(doc.lineno, doc.col_offset)
        end = src.offset(doc_end_lineno, doc.end_col_offset or 0)
        indent = text[line_start:start]
        if (
            indent.strip(_INDENT_CHARS)  # shares its first line with code
            or text[end : src.line_ends[doc_end_lineno - 1]].strip(_INDENT_CHARS)  # a comment or `;` follows
            or body[1].lineno <= doc_end_lineno
        ):
            continue
        block_end = src.next_line(doc_end_lineno)
        moved = indent + DOCSTRING + text[start:block_end]
        insert_at = src.next_line(func.end_lineno or func.lineno)
        if insert_at == len(text) and not text.endswith("\n"):  # the function ends the file, unterminated
            newline = "\r\n" if moved.endswith("\r\n") else "\n"
            moved = newline + moved[: -len(newline)]
        edits.append((line_start, 1, 0, block_end, ""))
        edits.append((insert_at, 0, -line_start, insert_at, moved))
    if not edits:
        return text
    edits.sort()
    out: list[str] = []
    cursor = 0
    for offset, _, _, end, replacement in edits:
        if offset < cursor:  # overlapping edits cannot happen for valid Python; be safe anyway
            return text
        out.append(text[cursor:offset])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def docstring_after_body(text: str) -> str:
    """Move each function's docstring to a DOCSTRING line after the function's body; unchanged if unparsable.

    A function qualifies when its docstring is its first statement, sits on lines of its own (no code or
    comment beside it) and is followed by at least one more statement. The docstring's lines move verbatim,
    with DOCSTRING after their indentation, to just after the function's last line; nested functions' moved
    lines come before their enclosing function's. Every other byte of text is kept.
    """
    src = _parse(text)
    return text if src is None else _move_docstrings(src)


def transform_document(text: str, rng: random.Random, config: TransformConfig) -> str:
    """One document's training text: docstrings to comments with comment_rate, docstring-after-body with
    docstring_rate, then FIM with fim_rate.

    No EOT is added; the caller appends it after each document.
    """
    src: _Source | None = None
    parsed = False
    if config.comment_rate and rng.random() < config.comment_rate:
        text = docstrings_to_comments(text)
    if rng.random() < config.docstring_rate:
        src, parsed = _parse(text), True
        if src is not None:
            moved = _move_docstrings(src)
            if moved != text:
                text, src, parsed = moved, None, False
    if rng.random() < config.fim_rate:
        spm = rng.random() < config.spm_rate
        if not parsed:
            src = _parse(text)
        if src is not None:
            text = _fim(src, rng, spm)
    return text
