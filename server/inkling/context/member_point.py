"""Is the cursor at a member-access point (`expr.` / `expr.part`)? The receiver's text and the partial name,
read from the cursor's line alone (strings, brackets and imports understood), without parsing the file."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

MAX_LINE_CHARS = 10_000  # of the cursor's line, only this many characters before the cursor are read
_PARTIAL = re.compile(r"[^\W\d]\w*\Z")
_IMPORT_STMT = re.compile(r"\s*(?:from|import)\b")
_NUMBER = re.compile(r"(?:\d[\d_]*|0[xXoObB][\da-fA-F_]+)\Z")
_OPENERS = {")": "(", "]": "[", "}": "{"}
_VALUE_KEYWORDS = frozenset({"True", "False", "None"})


@dataclass(frozen=True)
class MemberPoint:
    """A member access being typed: the receiver expression and the identifier after the dot so far."""

    receiver: str
    partial: str


def _strings(line: str) -> tuple[list[tuple[int, int]], int | None, bool]:
    """String spans (start, end) on `line`, where a `#` comment starts (or None), and whether a string is left open."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "#":
            return spans, i, False
        if ch in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n:
                if line[j] == "\\":
                    j += 2
                    continue
                if line.startswith(quote, j):
                    break
                j += 1
            if j >= n:
                return spans, None, True
            spans.append((i, j + len(quote)))
            i = j + len(quote)
            continue
        i += 1
    return spans, None, False


def _receiver_start(line: str, end: int, spans: list[tuple[int, int]]) -> int | None:
    """Where the receiver expression that ends at `end` (exclusive) begins, or None if it is unbalanced."""
    string_end = {e: s for s, e in spans}
    i = end
    while i > 0:
        ch = line[i - 1]
        if i in string_end:
            i = string_end[i]
            while i > 0 and line[i - 1] in "rRbBuUfF":
                i -= 1
        elif ch in _OPENERS:
            depth, i = 0, i - 1
            while True:
                if i < 0:
                    return None
                if i + 1 in string_end:
                    i = string_end[i + 1] - 1
                    continue
                c = line[i]
                if c in _OPENERS:
                    depth += 1
                elif c in "([{":
                    depth -= 1
                    if depth == 0:
                        break
                i -= 1
        elif ch.isalnum() or ch in "_." or (not ch.isascii() and ch.isidentifier()):
            i -= 1
        else:
            break
    return i


def member_point(prefix: str) -> MemberPoint | None:
    """The member access at the end of `prefix` (`<expr>.` or `<expr>.<partial>`), from its last line only.

    None for a float (`1.`), a dot inside a string or a comment, an import statement, or anything else.
    """
    line = prefix[prefix.rfind("\n") + 1 :][-MAX_LINE_CHARS:]
    match = _PARTIAL.search(line)
    partial = match.group() if match else ""
    dot = len(line) - len(partial) - 1
    if dot < 0 or line[dot] != ".":
        return None
    spans, comment, open_string = _strings(line)
    if open_string or comment is not None:
        return None
    if any(s <= dot < e for s, e in spans):
        return None
    statement = line
    semicolons = [k for k, c in enumerate(line[:dot]) if c == ";" and not any(s <= k < e for s, e in spans)]
    if semicolons:
        statement = line[semicolons[-1] + 1 :]
    if _IMPORT_STMT.match(statement):
        return None
    start = _receiver_start(line, dot, spans)
    if start is None:
        return None
    receiver = line[start:dot]
    if not receiver or "." in (receiver[0], receiver[-1]) or ".." in receiver or receiver[0].isdigit():
        return None
    if _NUMBER.match(receiver) or (keyword.iskeyword(receiver) and receiver not in _VALUE_KEYWORDS):
        return None
    return MemberPoint(receiver, partial)
