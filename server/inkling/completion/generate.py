"""Where generated code goes at a line: after a comment, the code it asks for; after a `def` whose body is
missing, `...` or `pass`, the body."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import Literal

from inkling.completion.postprocess.context import Context

COMMENT = re.compile(r"[ \t]*#")  # a comment line
DEF = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(")  # the first line of a function
_STUB = re.compile(r"[ \t]*(?:\.\.\.|pass)[ \t]*(?:#.*)?\r?\n?")  # a placeholder body line
_INLINE_STUB = re.compile(r":[ \t]*(?:\.\.\.|pass)[ \t]*(?:#.*)?$")  # `def f(x): ...`
_DOCSTRING = re.compile(r"[ \t]*[rRuU]?(\"\"\"|''')(?:.|\n)*?\1[ \t]*\r?\n", re.DOTALL)
HEADER_LINES = 30  # a `def` header may wrap over this many lines


@dataclass(frozen=True)
class Target:
    """Generated code replaces source[start:end] (often empty); `prefix` is the prompt (source[:start] and
    the indentation the code starts at) and `suffix` the source after `end`."""

    kind: Literal["code", "body"]  # the decode mode: after a comment, or a function's body
    start: int
    end: int
    prefix: str
    suffix: str
    lead: str  # what goes before the generated text: its indentation, after a line break when one is needed
    trail: str = "\n"

    def insertion(self, text: str) -> str:
        """What replaces source[start:end] for generated `text` (which starts after the indentation)."""
        return self.lead + text.rstrip() + self.trail

    def complete(self, text: str) -> bool:
        """Whether generated `text` is whole statements on its own (no header without its body, no open
        bracket), starting at the indentation it was given: the syntax pass accepts the start of a
        statement, which a command must not insert."""
        if text[:1].isspace():
            return False
        try:
            ast.parse(textwrap.dedent(self.lead.lstrip("\n") + text))
        except (SyntaxError, ValueError):
            return False
        return True


def find_target(source: str, line: int) -> Target | None:
    """What to generate for `line` (0-based): code after a comment line (the last of a run of comment
    lines), or the body of a function whose `def` starts on the line; None for anything else."""
    lines = source.splitlines(keepends=True)
    if not 0 <= line < len(lines):
        return None
    if COMMENT.match(lines[line]):
        while line + 1 < len(lines) and COMMENT.match(lines[line + 1]):
            line += 1
        return _after_comment(source, lines, line)
    if DEF.match(lines[line]):
        return _body(source, lines, line)
    return None


def _start_of(lines: list[str], line: int) -> int:
    return sum(len(text) for text in lines[:line])


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _after_comment(source: str, lines: list[str], line: int) -> Target:
    start = _start_of(lines, line + 1)
    indent = _indent(lines[line])
    lead = indent if source[:start].endswith("\n") else "\n" + indent
    return Target("code", start, start, source[:start] + lead, source[start:], lead)


def _body(source: str, lines: list[str], line: int) -> Target | None:
    """The body of the function whose header starts at `line`, when it is missing or a placeholder."""
    depth, last = 0, line
    for last in range(line, min(line + HEADER_LINES, len(lines))):
        code = lines[last].split("#", 1)[0]
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0 and (code.rstrip().endswith(":") or _INLINE_STUB.search(lines[last].rstrip())):
            break
    else:
        return None
    header_end = _start_of(lines, last + 1)
    unit = Context(source[:header_end], source[header_end:], "block").indent_unit
    indent = _indent(lines[line]) + unit
    inline = _INLINE_STUB.search(lines[last].rstrip())
    if inline is not None:  # `def f(x): ...`: the header keeps its colon, the stub goes
        start = _start_of(lines, last) + inline.start() + 1
        end = _start_of(lines, last) + len(lines[last].rstrip("\r\n"))
        return Target("body", start, end, source[:start] + "\n" + indent, source[end:], "\n" + indent, "")
    start = header_end
    if not source[:start].endswith("\n"):
        return Target("body", start, start, source[:start] + "\n" + indent, "", "\n" + indent)
    docstring = _DOCSTRING.match(source, start)
    if docstring is not None and _indent(docstring.group(0)) == indent:
        start = docstring.end()  # the docstring stays and tells the model what to write
    rest = source[start:]
    stub = _STUB.match(rest)
    if stub is not None and _indent(stub.group(0)) == indent and _is_last(rest[stub.end() :], indent):
        end = start + stub.end()
    elif _is_last(rest, indent):
        end = start
    else:
        return None  # the function has a body
    return Target("body", start, end, source[:start] + indent, source[end:], indent)


def _is_last(rest: str, indent: str) -> bool:
    """Whether no line of the body follows: the next non-blank line is indented less than the body."""
    for text in rest.splitlines():
        if text.strip():
            return len(_indent(text)) < len(indent)
    return True
