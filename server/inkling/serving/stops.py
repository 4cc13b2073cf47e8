"""The stop rules of decoding, one per mode: where a hypothesis is complete, and where its text is cut."""

from __future__ import annotations

import re
from typing import Literal

# "line": the rest of the line; "block": the body of an empty block; "word": the identifier at the cursor;
# "docstring": a docstring's first line of text (after its opening quotes, which may stand on a line alone);
# "body": a function's body, blank lines included, up to the first line indented less than its first;
# "code": one statement after a comment: a simple one and those that follow it up to a blank line, or one
# compound statement (a `def`, an `if`...) up to the next line as little indented as its header.
DecodeMode = Literal["line", "block", "word", "docstring", "body", "code"]
MULTILINE: tuple[DecodeMode, ...] = ("block", "body", "code")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_OPENING = re.compile(r"""^[rRuU]{0,2}(?=["'])""")  # a string prefix before a docstring's opening quotes


def repetition_start(tokens: list[int], max_unit: int = 8, min_span: int = 6) -> int | None:
    """Where the tail of `tokens` began repeating one unit (of 1..max_unit tokens) three or more times
    over at least `min_span` tokens: the index after the unit's first copy; None when it does not."""
    for unit in range(1, max_unit + 1):
        copies = max(3, -(-min_span // unit))
        if len(tokens) < unit * copies:
            continue
        tail = tokens[-unit:]
        if all(tokens[-unit * (i + 1) : len(tokens) - unit * i] == tail for i in range(1, copies)):
            return len(tokens) - unit * (copies - 1)
    return None


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _docstring_line(text: str) -> str | None:
    """The first docstring line that holds words, once it is complete (a line break or closing quotes)."""
    for i, line in enumerate(text.split("\n")):
        words = _OPENING.sub("", line.strip()).strip("\"'")
        if any(c.isalnum() for c in words):  # a string prefix alone (`r"""`) holds no words
            ended = i < text.count("\n") or line.rstrip().endswith(('"""', "'''"))
            return line if ended else None
    return None


def should_stop(text: str, mode: DecodeMode, current_line: str, max_lines: int) -> bool:
    """Whether the text generated so far is complete for `mode` (see `cut` for where it then ends)."""
    if mode == "docstring":
        return _docstring_line(text) is not None
    if mode == "word":
        return any(not _is_word_char(c) for c in text)
    if mode == "line":
        return "\n" in text
    lines = text.split("\n")
    return len(lines) > max_lines or cut(text, mode, current_line).count("\n") < len(lines) - 2


def _statement_lines(lines: list[str], base: int, mode: DecodeMode) -> int:
    """How many of `lines` belong to the body or statement that the first line starts. Lines inside open
    brackets continue their statement. A line still being written counts: the text is cut only once a
    later line shows where it ends."""
    depth = _depth(lines[0])
    deeper = False  # a line indented more than the first one came since the last base-level line
    for i, line in enumerate(lines[1:], start=1):
        if depth > 0 or not line.strip():
            if depth <= 0 and mode == "code" and not deeper:
                return i  # a blank line after simple statements ends them
            depth += _depth(line)
            continue
        width = _indent(line)
        ended = deeper and not _CLAUSE.match(line.lstrip())  # `else:` and the like go on with the statement
        if width < base or (mode == "code" and width == base and ended):
            return i  # a dedent; or, after a comment, the line after a compound statement
        deeper = width > base
        depth += _depth(line)
    return len(lines)


def _depth(line: str) -> int:
    """Brackets the line opens minus those it closes (a rough count: strings and comments not excluded)."""
    return sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")


def cut(text: str, mode: DecodeMode, current_line: str) -> str:
    """Apply the stop rules: the identifier's end; end of line; for a block, a blank line or a dedent."""
    if mode == "docstring":
        return _docstring_line(text) or ""
    if mode == "word":
        end = next((i for i, c in enumerate(text) if not _is_word_char(c)), len(text))
        return text[:end]
    if mode == "line":
        return text.split("\n", 1)[0].rstrip("\r")
    lines = text.split("\n")
    if mode in ("body", "code"):
        return "\n".join(lines[: _statement_lines(lines, _indent(current_line + lines[0]), mode)]).rstrip()
    base = _indent(current_line + lines[0])
    kept = [lines[0]]
    for line in lines[1:]:
        if not line.strip() or _indent(line) < base:
            break
        kept.append(line)
    return "\n".join(kept).rstrip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
