"""Training text for "code from a comment": a function's docstring becomes a comment line above its `def`, in
the shape the generating commands are asked in (`# return the sum of two numbers` then the code)."""

from __future__ import annotations

import ast
import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
MAX_COMMENT_CHARS = 100  # a longer first sentence is not what anyone types as a request


def _request(docstring: str) -> str | None:
    """The docstring's first sentence as one comment's words, without its final full stop; None when it is
    empty, too long or spans more than its paragraph's lines."""
    first = " ".join(docstring.strip().split("\n\n", 1)[0].split())
    sentence = _SENTENCE_END.split(first, 1)[0].rstrip(".")
    if not sentence or len(sentence) > MAX_COMMENT_CHARS or not sentence[0].isalpha():
        return None
    return sentence


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def docstrings_to_comments(text: str) -> str:
    """Each function whose docstring sits on lines of its own and is followed by more of its body loses the
    docstring, and gets a `# <its first sentence>` line above its first decorator or its `def`, at that line's
    indentation. Functions inside a function that changes are left alone (their lines move with it); text
    that does not parse is returned unchanged."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return text
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, replacement lines), 0-based
    taken: list[tuple[int, int]] = []
    for node in sorted(_functions(tree), key=lambda n: n.lineno):
        body = node.body
        doc = body[0] if body else None
        if not (
            len(body) > 1
            and isinstance(doc, ast.Expr)
            and isinstance(doc.value, ast.Constant)
            and isinstance(doc.value.value, str)
            and doc.end_lineno is not None
            and node.end_lineno is not None
        ):
            continue
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        if any(first <= start < end for first, end in taken):
            continue  # inside a function already rewritten
        first_line, last_line = doc.lineno - 1, doc.end_lineno - 1
        if lines[first_line][: doc.col_offset].strip() or lines[last_line][doc.end_col_offset or 0 :].strip():
            continue  # the docstring shares a line with code or a comment
        if body[1].lineno - 1 <= last_line:
            continue
        request = _request(doc.value.value)
        if request is None:
            continue
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip(" \t"))]
        newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
        edits.append((first_line, last_line + 1, []))
        edits.append((start, start, [f"{indent}# {request}{newline}"]))
        taken.append((start, node.end_lineno))
    for first, end, replacement in sorted(edits, reverse=True):
        lines[first:end] = replacement
    return "".join(lines)
