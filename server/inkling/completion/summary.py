"""Hover comments: the function under the cursor, laid out as the model learned docstrings (after the body),
and the generated first docstring line cleaned into a one-line summary."""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass

_QUOTES = re.compile(r"""^\s*[rRuU]?(?:\"\"\"|'''|"|')""")
_CLOSING = re.compile(r"""(?:\"\"\"|'''|"|')\s*$""")
# Bounds on the work a hover or a command does: the whole file is parsed (measured: 1 MB of ordinary code
# 0.4 s and 100 MB; one 1 MB line of `1, ` items 1.3 s and 330 MB), so a bigger file, or one with a line
# longer than MAX_LINE_CHARS (minified or generated data), gets no answer rather than a stall.
MAX_PARSE_CHARS = 1_000_000
MAX_LINE_CHARS = 10_000


@dataclass(frozen=True)
class Target:
    """A function whose name is under the cursor."""

    name_start: int  # offsets of its name in the source
    name_end: int
    line: int  # the line of its name, 1-based
    prompt: str  # the function's source (decorators to last line), its docstring left out, then its body's indent
    docstring: str | None  # the docstring it has
    key: str  # a hash of the prompt: the cache key of its summary


def parse_with_line_starts(source: str) -> tuple[ast.Module, list[int]] | None:
    """The module's syntax tree and the offset where each line starts (one more, the end); None when the
    source does not parse or is over the bounds (MAX_PARSE_CHARS, MAX_LINE_CHARS)."""
    if not within_bounds(source):
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return tree, starts


def within_bounds(source: str) -> bool:
    """Small enough to parse: at most MAX_PARSE_CHARS characters, no line over MAX_LINE_CHARS."""
    if len(source) > MAX_PARSE_CHARS:
        return False
    start = 0
    while start < len(source):
        end = source.find("\n", start)
        end = len(source) if end < 0 else end
        if end - start > MAX_LINE_CHARS:
            return False
        start = end + 1
    return True


def find_function(source: str, offset: int, whole_line: bool = False) -> Target | None:
    """The function (or method) whose name contains `offset` (with `whole_line`: whose `def` line does);
    None elsewhere or when the source does not parse (or is over the bounds)."""
    line_start = source.rfind("\n", 0, offset) + 1
    line_end = source.find("\n", offset)
    if source.find("def", line_start, len(source) if line_end < 0 else line_end) < 0:
        return None  # not a `def` line: no parse (a hover over any other line costs nothing)
    parsed = parse_with_line_starts(source)
    if parsed is None:
        return None
    tree, starts = parsed
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        line_start = starts[node.lineno - 1]
        found = re.compile(rf"(?:async\s+)?def\s+({re.escape(node.name)})\b").search(
            source, line_start + node.col_offset
        )
        if found is None:
            continue
        line_end = source.find("\n", found.end(1))
        low, high = (line_start, len(source) if line_end < 0 else line_end) if whole_line else found.span(1)
        if not low <= offset <= high:
            continue
        return _target(source, starts, node, found.start(1), found.end(1))
    return None


def _target(
    source: str, starts: list[int], node: ast.FunctionDef | ast.AsyncFunctionDef, start: int, end: int
) -> Target:
    body = node.body
    first = body[0]
    docstring = ast.get_docstring(node)
    indent_of_body = source[starts[first.lineno - 1] :][: first.col_offset]
    top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    begin, end_of_function = starts[top - 1], starts[min(node.end_lineno or node.lineno, len(starts) - 1)]
    text = source[begin:end_of_function]
    if docstring is not None and len(body) > 1:  # the model saw functions with their docstrings moved out
        doc_start = starts[first.lineno - 1]
        doc_end = starts[(first.end_lineno or first.lineno)]
        text = source[begin:doc_start] + source[doc_end:end_of_function]
    if not text.endswith("\n"):
        text += "\n"
    prompt = text + indent_of_body
    key = hashlib.sha256(prompt.encode()).hexdigest()
    return Target(start, end, source.count("\n", 0, start) + 1, prompt, docstring, key)


def clean(generated: str) -> str:
    """The first docstring line without its quotes: `\"\"\"Return the sum.` → `Return the sum.`;
    a lead-in colon or comma (the line introduces a list) dropped."""
    text = _CLOSING.sub("", _QUOTES.sub("", generated, count=1))
    return text.strip().rstrip(":;,").rstrip()


@dataclass(frozen=True)
class Summary:
    """A generated one-line summary of the function whose name spans [start, end)."""

    text: str
    docstring: str | None
    start: int
    end: int

    def markdown(self) -> str:
        """Marked as generated, with the function's own docstring below it when it has one."""
        out = f"*Inkling, generated:* {self.text}"
        if self.docstring:
            out += f"\n\n---\n\n*Docstring:*\n\n```text\n{self.docstring}\n```"
        return out
