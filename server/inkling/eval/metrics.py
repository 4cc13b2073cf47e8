"""Line-completion metrics as EVALUATION.md defines them: exact match, edit similarity, first-token match."""

from __future__ import annotations

import io
import re
import tokenize

from rapidfuzz import fuzz

# Token types that carry no text a person types (shared with the cut-point sampler).
NON_TEXT_TOKENS = frozenset(
    {tokenize.ENCODING, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
# Python 3.12+ splits f-strings (3.14+: t-strings) into start / middle / end tokens; 3.11 keeps one STRING.
FSTRING_START = frozenset(
    t for t in (getattr(tokenize, "FSTRING_START", None), getattr(tokenize, "TSTRING_START", None)) if t
)
FSTRING_END = frozenset(
    t for t in (getattr(tokenize, "FSTRING_END", None), getattr(tokenize, "TSTRING_END", None)) if t
)
# A string literal opening at the start of the text: optional prefix letters, then the quotes.
_STRING_OPEN = re.compile(r"(?:[rRbBuUfFtT]{1,2})?(?:'''|\"\"\"|'|\")")


def exact_match(pred: str, target: str) -> bool:
    """True when prediction and target are equal once split on whitespace."""
    return pred.split() == target.split()


def edit_similarity(pred: str, target: str) -> float:
    """`rapidfuzz.fuzz.ratio` of the stripped strings, 0-100 (an empty prediction scores 0 on any target)."""
    return float(fuzz.ratio(pred.strip(), target.strip()))


def first_token(text: str) -> str | None:
    """The first Python token of a possibly incomplete line, or None when the text is blank.

    Fragments are the norm here (`)`, `]:`, `foo(bar, "unterminated`), so tokenizing stops at the first
    error and keeps what came out. A string literal that does not close on this line is one token running
    to the end of the line, and an f-string is one token on every Python version.
    """
    line = text.strip()
    if not line:
        return None
    line = line.split("\n", 1)[0].rstrip()
    tokens = _tokens_until_error(line)
    if tokens and tokens[0].type == tokenize.STRING:
        return tokens[0].string
    if tokens and tokens[0].type in FSTRING_START:
        return _fstring_span(line, tokens)
    if _STRING_OPEN.match(line):
        return line  # an unterminated string literal: the rest of the line
    if tokens:
        return tokens[0].string
    return line.split()[0]  # nothing tokenized at all: fall back to the first whitespace-separated word


def first_token_match(pred: str, target: str) -> bool:
    """True when both have a first token and it is the same; an empty prediction never matches."""
    expected = first_token(target)
    return expected is not None and first_token(pred) == expected


def _tokens_until_error(line: str) -> list[tokenize.TokenInfo]:
    """The meaningful tokens of one line, as far as the tokenizer gets before it gives up."""
    out: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line).readline):
            if tok.type in NON_TEXT_TOKENS or (tok.type == tokenize.ERRORTOKEN and not tok.string.strip()):
                continue
            out.append(tok)
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def _fstring_span(line: str, tokens: list[tokenize.TokenInfo]) -> str:
    """The text of an f-string split into several tokens (Python 3.12+), or the rest of the line if open."""
    depth = 0
    start = tokens[0].start[1]
    for tok in tokens:
        if tok.type in FSTRING_START:
            depth += 1
        elif tok.type in FSTRING_END:
            depth -= 1
            if depth == 0 and tok.end[0] == 1:
                return line[start : tok.end[1]]
    return line[start:]
