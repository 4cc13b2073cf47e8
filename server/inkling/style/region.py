"""The statement around the cursor: the small slice of a document that the syntax check parses.

Parsing a whole file on every keystroke is too slow (libcst builds a node per token), so the check parses
from the nearest statement that starts at or left of the cursor's indentation to the first later line
where the code before it parses on its own: the next statement at that level or below, or a complete
statement inside it (never a block's first line, a clause, a line in a `try` block or in open brackets).
A rough line-based heuristic: a statement starts a non-blank, non-comment line that is not a closing
bracket, not an `else`/`elif`/`except`/`finally`/`case` clause, not inside a triple-quoted string, and
does not follow a line that cannot end a statement (one ending in `(`, `,`, an operator, ...); a scan of
the brackets and strings from the start to the cursor must not meet a closer without its opener."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from inkling.style.lines import CAP, code, continues, indent_of, kind, lines_back, lines_forward, width
from inkling.style.scan import scan

_TRIES = 4  # candidate starts checked by a scan before settling for the nearest
_DEFINITION = re.compile(r"(?:async\s+)?(?:def|class)\b")
_TRY = re.compile(r"try\s*:")


@dataclass(frozen=True)
class Region:
    """The statement around the cursor, "\\n" line ends; `header + before + snippet + rest + tail` parses."""

    header: str  # "" at column 0, else a block opener that makes the indented slice parse on its own
    before: str  # from the start of the statement to the cursor
    rest: str  # the rest of the cursor's line
    tail: str  # the statement's following lines, starting with "\n" when there are any
    line_before: str  # the cursor's line up to the cursor (the end of `before`)
    indent: str  # the cursor line's indentation


def _start(lines: list[tuple[int, str]], level: int, fine: Callable[[int], bool]) -> int:
    """The index in `lines` (nearest first) of the statement the region starts with."""
    nearest, tried = -1, 0
    for i, (offset, line) in enumerate(lines):
        if kind(line) != "statement" or width(line) > level:
            continue
        above = i + 1
        while above < len(lines) and kind(lines[above][1]) == "blank":
            above += 1
        if above < len(lines) and continues(lines[above][1]):
            continue
        nearest = i if nearest < 0 else nearest
        if fine(offset):
            return i
        tried += 1
        if tried == _TRIES:
            break
    return max(nearest, 0)


def _end(lines: list[tuple[int, str]], level: int, above: tuple[str, str], decorated: bool, cut: Cut) -> int:
    """The offset of the first line the region can stop before: where the statement that starts at
    indentation `level` ends, or earlier, before a complete statement inside it (not a block's first
    line, not a clause, not in a `try` block, brackets closed): the code before it parses on its own.

    `above` is the cursor's line as the user left it and as the snippet leaves it; a line continues the
    first, and a block is opened by either."""
    previous, typed = above
    quote = _open_triple(previous)  # lines inside a triple-quoted string are never statements
    for offset, line in lines:
        if quote:
            if quote in line:
                quote = _open_triple(line[line.index(quote) + 3 :])
                previous = typed = line
            continue
        sort = kind(line)
        if sort == "blank":
            continue
        if not continues(previous):
            ends = (sort == "statement" and width(line) <= level) or (
                sort == "clause" and width(line) < level
            )
            opened = any(
                code(text).endswith(":") or text.lstrip().startswith("@") for text in (previous, typed)
            )
            if ends or (sort == "statement" and not opened and cut.inside(offset)):
                if not decorated:
                    return offset
                decorated = not _DEFINITION.match(line.strip())  # the decorated definition belongs to it
            cut.tries = 0 if _TRY.match(line.strip()) else cut.tries
        quote, previous, typed = _open_triple(line), line, line
    return lines[-1][0] if len(lines) == CAP else cut.default


def _open_triple(line: str) -> str:
    """The triple quote of a string that `line` opens and leaves open, or ""."""
    found = scan(line)
    return found.quote if len(found.quote) == 3 else ""


@dataclass
class Cut:
    """Whether the region may stop inside its statement: only where a scan finds its brackets closed."""

    closed: Callable[[int], bool]
    default: int  # where the region stops when the lines run out
    tries: int = 3  # scans left; 0 once a `try` block is open (its body alone does not parse)

    def inside(self, offset: int) -> bool:
        if self.tries <= 0:
            return False
        self.tries -= 1
        return self.closed(offset)


def find_region(prefix: str, snippet: str, suffix: str) -> Region:
    """The statement around `snippet` inserted between `prefix` and `suffix` (CRLF ends become "\\n")."""
    line_start = prefix.rfind("\n") + 1
    line_before = prefix[line_start:]
    newline = suffix.find("\n")
    newline = len(suffix) if newline < 0 else newline
    rest = suffix[:newline].rstrip("\r")
    snippet_lines = snippet.split("\n")
    cursor_line = line_before + snippet_lines[0] + (rest if len(snippet_lines) == 1 else "")
    widths = [width(line) for line in (cursor_line, *snippet_lines[1:]) if line.strip()]
    lines = [(line_start, cursor_line), *lines_back(prefix, line_start)]

    def fine(offset: int) -> bool:  # no closer without its opener, no string left open from above
        found = scan(prefix[offset:] + snippet_lines[0] + rest)
        return found.stray_closer < 0 and not 0 <= found.open_string < line_start - offset

    offset, first = lines[_start(lines, min(widths, default=0), fine)]

    def closed(end: int) -> bool:  # no bracket or string open from the region's start to `end`
        found = scan(prefix[offset:] + suffix[:end])
        return not found.stack and found.open_string < 0

    cut = Cut(closed, default=len(suffix), tries=0 if _TRY.match(cursor_line.strip()) else 3)
    following = lines_forward(suffix, newline + 1)
    above = (line_before + rest, cursor_line if len(snippet_lines) == 1 else snippet_lines[-1] + rest)
    end = _end(following, width(first), above, first.lstrip().startswith("@"), cut)
    indent = indent_of(first)
    return Region(
        header=f"if 1:\n{indent}pass\n" if indent else "",
        before=prefix[offset:].replace("\r\n", "\n"),
        rest=rest,
        tail=suffix[newline:end].replace("\r\n", "\n") if end > newline else "",
        line_before=line_before,
        indent=indent_of(cursor_line if cursor_line.strip() else line_before),
    )
