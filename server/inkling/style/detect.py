"""The file's own conventions, read from its tokens: indentation, quotes, blank lines, line length, commas."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass

_DEFINITION = re.compile(r"[ \t]*(?:@|(?:async[ \t]+)?def\b|class\b)")
_LINE_LENGTHS = (79, 88, 99, 100, 110, 119, 120)


@dataclass(frozen=True)
class Style:
    """How a file is written; the defaults are PEP 8's (and black's quotes), for files too small to tell."""

    indent: str = "    "  # one indentation unit: "\t" or N spaces
    quote: str = '"'  # the quote of ordinary (not triple-quoted) strings
    blank_lines_top: int = 2  # before a top-level def or class
    blank_lines_nested: int = 1  # before a method or a nested def or class
    line_length: int = 88
    trailing_commas: bool = True  # a multi-line bracket's last element is followed by a comma
    newline: str = "\n"


def detect(source: str) -> Style:
    """The conventions `source` follows most often; a convention it gives no evidence of keeps its default."""
    default = Style()
    tokens = _tokens(source)
    indents: Counter[str] = Counter()
    quotes: Counter[str] = Counter()
    commas: Counter[bool] = Counter()
    last: tokenize.TokenInfo | None = None  # the last token that is not a line end, comment or indent
    for tok in tokens:
        if tok.type == tokenize.INDENT:
            unit = _unit(tok.string, indents)
            if unit:
                indents[unit] += 1
        elif tok.type == tokenize.STRING:
            quote = _quote_of(tok.string)
            if quote:
                quotes[quote] += 1
        elif (
            tok.type == tokenize.OP
            and tok.string in ")]}"
            and last is not None
            and last.end[0] < tok.start[0]  # a bracket closed on a line of its own
            and last.string not in "([{"
        ):
            commas[last.string == ","] += 1
        if tok.type not in (
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.COMMENT,
            tokenize.INDENT,
            tokenize.DEDENT,
        ):
            last = tok
    top, nested = _blank_lines(source)
    return Style(
        indent=indents.most_common(1)[0][0] if indents else default.indent,
        quote=quotes.most_common(1)[0][0] if quotes else default.quote,
        blank_lines_top=top if top is not None else default.blank_lines_top,
        blank_lines_nested=nested if nested is not None else default.blank_lines_nested,
        line_length=_line_length(source, default.line_length),
        trailing_commas=commas[True] >= commas[False] if commas else default.trailing_commas,
        newline="\r\n" if source.count("\r\n") * 2 > source.count("\n") else "\n",
    )


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    """As many tokens as tokenize gives before it meets an error (an unfinished file still has a style)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _unit(indent: str, seen: Counter[str]) -> str:
    """The unit of one INDENT token (its whole text at the first level; the step from the level above
    cannot be seen here, so a deeper INDENT counts as the unit only when it is a tab or a multiple of one
    already seen)."""
    if indent and set(indent) == {"\t"}:
        return "\t"
    if set(indent) != {" "}:
        return ""
    for unit in sorted(seen, key=len):
        if unit != "\t" and len(indent) % len(unit) == 0:
            return unit
    return indent if len(indent) <= 8 else ""


def _quote_of(string: str) -> str:
    """The quote an ordinary string literal chose freely: None when it is triple-quoted or contains the
    other quote (it had no choice)."""
    body = string.lstrip("rRbBuUfF")
    if body[:3] in ('"""', "'''"):
        return ""
    quote = body[0]
    other = "'" if quote == '"' else '"'
    return "" if other in body[1:-1] else quote


def _blank_lines(source: str) -> tuple[int | None, int | None]:
    """The usual number of blank lines before a top-level and before a nested definition that does not
    open its block (the first statement of a block has none)."""
    top: Counter[int] = Counter()
    nested: Counter[int] = Counter()
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if not _DEFINITION.match(line) or (i and lines[i - 1].lstrip().startswith("@")):
            continue
        blanks, j = 0, i - 1
        while j >= 0 and not lines[j].strip():
            blanks, j = blanks + 1, j - 1
        if j < 0 or lines[j].rstrip().endswith(":") or lines[j].lstrip().startswith("#"):
            continue  # the start of a file or block, or a comment that belongs to the definition
        (nested if line[:1] in " \t" else top)[blanks] += 1
    return _habit(top), _habit(nested)


def _habit(counts: Counter[int]) -> int | None:
    """The most common count, once it has been seen twice: a single definition is not yet a habit."""
    if not counts:
        return None
    value, seen = counts.most_common(1)[0]
    return value if seen >= 2 else None


def _line_length(source: str, default: int) -> int:
    """The smallest common limit that 99% of the code lines respect."""
    lengths = sorted(len(line.rstrip()) for line in source.splitlines() if line.strip())
    if len(lengths) < 20:
        return default
    longest = lengths[int(0.99 * (len(lengths) - 1))]
    return next((limit for limit in _LINE_LENGTHS if longest <= limit), max(longest, default))
