"""Token-level style fixes for a snippet that libcst cannot parse in its context: quotes and trailing
whitespace, found with the tokenizer, which reads unfinished code."""

from __future__ import annotations

import io
import tokenize

from inkling.style.detect import Style
from inkling.style.rules.quotes import requote


def token_fixes(snippet: str, style: Style) -> str:
    """`snippet` (which must not start inside a string) with its string literals in the file's quote and
    no trailing whitespace on its code lines; what the tokenizer cannot read stays as it is."""
    lines = snippet.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    in_string: set[int] = set()  # lines that end inside a multi-line string: their whitespace is content
    read_lines = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(snippet).readline):
            read_lines = tok.end[0]
            if tok.type == tokenize.STRING:
                in_string.update(range(tok.start[0], tok.end[0]))
                literal = requote(tok.string, style.quote)
                if literal != tok.string:
                    start = starts[tok.start[0] - 1] + tok.start[1]
                    edits.append((start, starts[tok.end[0] - 1] + tok.end[1], literal))
    except (tokenize.TokenError, SyntaxError):
        pass
    for number, line in enumerate(lines[: read_lines - 1], start=1):
        stripped = line.rstrip(" \t")
        if stripped != line and number not in in_string:
            edits.append((starts[number - 1] + len(stripped), starts[number - 1] + len(line), ""))
    for start, end, text in sorted(edits, reverse=True):
        snippet = snippet[:start] + text + snippet[end:]
    return snippet
