"""A fast scan of Python source for brackets, strings and comments, for checks that must not parse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CLOSERS = {")": "(", "]": "[", "}": "{"}
OPENERS = {opener: closer for closer, opener in CLOSERS.items()}

_TOKEN = re.compile(r"""#[^\n]*|'''|\"\"\"|'|"|[()\[\]{}]""")
_TRIPLE_END = {
    "'''": re.compile(r"(?:[^\\]|\\[\s\S])*?'''"),
    '"""': re.compile(r'(?:[^\\]|\\[\s\S])*?"""'),
}
_LINE_BODY = {  # a one-line string body: up to the closing quote, an unescaped newline, or the end
    "'": re.compile(r"(?:[^'\\\n]|\\[\s\S])*"),
    '"': re.compile(r'(?:[^"\\\n]|\\[\s\S])*'),
}


@dataclass
class Scan:
    """What a left-to-right scan found; positions index the scanned text, -1 means none."""

    stack: list[tuple[str, int]] = field(default_factory=list)  # open brackets and where, innermost last
    depth: int = 0  # openers minus closers, negative once a closer had no opener
    stray_closer: int = -1  # the first closer with no opener
    open_string: int = -1  # a string still open at the end of the text
    quote: str = ""  # that string's quote
    broken_string: int = -1  # the first one-line string cut off by a newline
    comments: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each comment

    def code_end(self, text: str) -> int:
        """Where the last code character ends: trailing whitespace and comments do not count."""
        end = len(text.rstrip())
        for start, stop in reversed(self.comments):
            if stop < end:
                break
            end = len(text[:start].rstrip())
        return end

    def closing(self) -> str:
        """The text that closes whatever is still open: the string first, then the brackets."""
        return self.quote + "".join(OPENERS[opener] for opener, _ in reversed(self.stack))


def scan(text: str) -> Scan:
    """Scan `text` as Python source; never raises."""
    found = Scan()
    pos = 0
    while match := _TOKEN.search(text, pos):
        token, start, pos = match.group(), match.start(), match.end()
        if token[0] == "#":
            found.comments.append((start, pos))
        elif token in _TRIPLE_END:
            end = _TRIPLE_END[token].match(text, pos)
            if end is None:
                found.open_string, found.quote = start, token
                break
            pos = end.end()
        elif token in _LINE_BODY:
            body = _LINE_BODY[token].match(text, pos)  # always matches, maybe empty
            pos = body.end() if body else pos
            if pos == len(text):
                found.open_string, found.quote = start, token
                break
            if text[pos] == "\n":
                found.broken_string = start if found.broken_string < 0 else found.broken_string
            else:
                pos += 1  # the closing quote
        elif token in OPENERS:
            found.stack.append((token, start))
            found.depth += 1
        else:
            found.depth -= 1
            if found.stack and found.stack[-1][0] == CLOSERS[token]:
                found.stack.pop()
            elif found.stray_closer < 0:
                found.stray_closer = start
    return found
