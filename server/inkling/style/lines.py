"""Line-level heuristics for Python source: indentation, statement starts, continuation lines."""

from __future__ import annotations

import re

CAP = 200  # lines looked at on each side of the cursor
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b|case\b.*:\s*(?:#.*)?$")
# The end of a line that cannot end a statement: an opener, a comma, a backslash, an operator.
_CONTINUED = re.compile(r"(?:[-([{,\\+*/%|&^<>=.@]|\b(?:and|or|not|in|is))$")


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def width(line: str) -> int:
    return len(indent_of(line).expandtabs(8))


def next_code_line(text: str) -> str:
    """The first line of `text` with code on it, or ""."""
    return next((line for line in text.split("\n") if kind(line) != "blank"), "")


def kind(line: str) -> str:
    """What starts `line`: "blank" (or a comment), "closer", "clause" (`else:`, ...) or "statement"."""
    text = line.strip()
    if not text or text.startswith("#"):
        return "blank"
    if text[0] in ")]}":
        return "closer"
    return "clause" if _CLAUSE.match(text) else "statement"


def code(line: str) -> str:
    """`line` without its comment (roughly: a `#` inside a string cuts it too)."""
    return line.split("#", 1)[0].rstrip()


def continues(previous: str) -> bool:
    """Whether the line after `previous` is inside its brackets or after its backslash (roughly)."""
    text = code(previous)
    return bool(_CONTINUED.search(text)) and not text.endswith(("...", "import *"))


def lines_back(text: str, end: int) -> list[tuple[int, str]]:
    """Up to CAP whole lines before offset `end` (a line start), nearest first, with their offsets."""
    lines: list[tuple[int, str]] = []
    stop = end - 1
    while stop >= 0 and len(lines) < CAP:
        start = text.rfind("\n", 0, stop) + 1
        lines.append((start, text[start:stop].rstrip("\r")))
        stop = start - 1
    return lines


def lines_forward(text: str, start: int) -> list[tuple[int, str]]:
    """Up to CAP lines from offset `start` (a line start) on, with their offsets."""
    lines: list[tuple[int, str]] = []
    while start < len(text) and len(lines) < CAP:
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop
        lines.append((start, text[start:stop].rstrip("\r")))
        start = stop + 1
    return lines
