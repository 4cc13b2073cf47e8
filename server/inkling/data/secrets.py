"""Scrub credentials from source text: well-known token formats, private keys and high-entropy literals."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from inkling.data.credentials import (
    DEFAULT_CALLS,
    FSTRING_MIDDLE,
    LITERAL,
    LITERAL_SECRET_HINT,
    LOGIN_CALLS,
    NAME_WORDS,
    PARTIAL_PATTERNS,
    PATTERNS,
    PLACEHOLDER,
    QUOTED_RUN,
    SECRET_ASSIGNMENT_HINT,
    SECRET_NAME_PARTS,
    SKIPPED_TOKENS,
    URL_PASSWORD,
    credential_word,
    is_high_entropy,
    looks_like_credential,
    secret_name_class,
)


def _after_secret_name(recent: Sequence[tokenize.TokenInfo]) -> str:
    """The name class when the tokens just before a string are `name =`, `name: type =`, `name:` or
    `"name":`; "" otherwise."""
    if len(recent) < 2 or recent[-1].string not in ("=", ":"):
        return ""
    key = recent[-2]
    if (
        key.type == tokenize.NAME
        and len(recent) >= 4
        and recent[-3].string == ":"
        and recent[-1].string == "="
        and recent[-4].type == tokenize.NAME  # `x: password = ...`, not a string before a stray `:`
    ):
        key = recent[-4]  # annotated assignment: password: str = "..."
    if key.type not in (tokenize.NAME, tokenize.STRING):
        return ""
    return secret_name_class(key.string)


@dataclass
class _Bracket:
    """An open bracket while tokenizing: which call it belongs to and which argument is being read."""

    callee: str  # the lower-cased name before `(`, "" for other brackets
    index: int = 0  # the positional argument being read
    keyword: bool = False  # inside a keyword argument
    first: str = ""  # the body of the first argument, when it is a string


def _argument_secret(
    stack: Sequence[_Bracket], recent: Sequence[tokenize.TokenInfo], body: str, prefix: str
) -> str:
    """The kind of secret a string argument is: a later positional string of a login call, or the default
    of a secret name's lookup; "" for anything else."""
    if not stack or not recent or recent[-1].string not in ("(", ","):
        return ""
    top = stack[-1]
    if top.keyword or not top.callee:
        return ""
    words = [word.lower() for word in NAME_WORDS.findall(top.callee)] or [""]
    login = top.index >= 1 and top.callee.lower() in LOGIN_CALLS
    if (login or words in (["set", "password"], ["set", "passwd"])) and "://" not in body:
        return "login_argument" if looks_like_credential(body, "password", prefix) else ""
    if top.index == 1 and top.callee in DEFAULT_CALLS and top.first:
        name_class = secret_name_class(top.first)
        if name_class and looks_like_credential(body, name_class, prefix):
            return "default_secret"
    return ""


def _track_brackets(
    stack: list[_Bracket], tok: tokenize.TokenInfo, recent: Sequence[tokenize.TokenInfo]
) -> None:
    """Keep the stack of open brackets up to date with an operator token."""
    op = tok.string
    if op in ("(", "[", "{"):
        callee = ""
        if op == "(" and recent and recent[-1].type == tokenize.NAME:
            callee = recent[-1].string
        elif op == "(" and len(recent) >= 2 and recent[-1].string == "=" and recent[-2].string == "auth":
            callee = "auth"  # requests' auth=("user", "password")
        stack.append(_Bracket(callee))
    elif op in (")", "]", "}"):
        if stack:
            stack.pop()
    elif stack and op == ",":
        stack[-1].index += 1
        stack[-1].keyword = False
    elif stack and op == "=" and recent and recent[-1].type == tokenize.NAME:
        stack[-1].keyword = True


def _line_offsets(text: str) -> list[int]:
    """Offset of the first character of each line, lines split on '\\n' as tokenize sees them."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _literal_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every string-literal body that is a secret, found with tokenize."""
    offsets: list[int] | None = None
    spans: list[tuple[int, int, str]] = []
    recent: list[tokenize.TokenInfo] = []
    stack: list[_Bracket] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in SKIPPED_TOKENS:
                continue
            body, prefix_len, kind = "", 0, ""
            if tok.type == tokenize.OP:
                _track_brackets(stack, tok, recent)
            elif tok.type == tokenize.STRING:
                match = LITERAL.fullmatch(tok.string)
                if (
                    match is not None
                    and stack
                    and recent
                    and recent[-1].string == "("
                    and stack[-1].index == 0
                ):
                    stack[-1].first = match.group(3)
                if match is not None and match.group(3) != PLACEHOLDER:
                    body, prefix = match.group(3), match.group(1)
                    prefix_len = len(prefix) + len(match.group(2))
                    name_class = _after_secret_name(recent)
                    if name_class and looks_like_credential(body, name_class, prefix):
                        kind = "assigned_secret"
                    elif argument := _argument_secret(stack, recent, body, prefix):
                        kind = argument
                    elif is_high_entropy(body):
                        kind = "high_entropy"
            elif tok.type == FSTRING_MIDDLE and is_high_entropy(tok.string):
                body, kind = tok.string, "high_entropy"
            if kind:
                offsets = offsets or _line_offsets(text)
                start = offsets[tok.start[0] - 1] + tok.start[1] + prefix_len
                if text[start : start + len(body)] == body:
                    spans.append((start, start + len(body), kind))
            recent = [*recent[-3:], tok]
    except (tokenize.TokenError, SyntaxError):
        pass  # not Python after all: keep what was found before the error
    return spans


def _might_hold_literal_secret(text: str) -> bool:
    """Cheap test that spares tokenizing the many files with nothing to find."""
    lowered = text.lower()
    if any(part in lowered for part in SECRET_NAME_PARTS) and SECRET_ASSIGNMENT_HINT.search(lowered):
        return True
    if LITERAL_SECRET_HINT.search(lowered):
        return True
    return any(is_high_entropy(m.group()) for m in QUOTED_RUN.finditer(text))


def _replace_group(text: str, kind: str, pattern: re.Pattern[str], counts: Counter[str]) -> str:
    """Replace group 1 of every match of pattern (less trailing punctuation) where it holds a credential."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(1).rstrip(".,;:)]}!?")
        if kind in ("authorization_header", "comment_secret") and not credential_word(value):
            return match.group()
        if not value or PLACEHOLDER in value:
            return match.group()
        counts[kind] += 1
        start = match.start(1) - match.start()
        return match.group()[:start] + PLACEHOLDER + match.group()[start + len(value) :]

    return pattern.sub(replace, text)


def _replace_patterns(text: str, counts: Counter[str]) -> str:
    """Replace every well-known token format and URL password, counting each kind."""
    for kind, anchors, pattern in PATTERNS:
        if any(anchor in text for anchor in anchors):
            text, n = pattern.subn(PLACEHOLDER, text)
            if n:
                counts[kind] += n
    for kind, anchors, pattern in PARTIAL_PATTERNS:
        if any(anchor in text for anchor in anchors):
            text = _replace_group(text, kind, pattern, counts)
    if "://" not in text:
        return text

    def password(match: re.Match[str]) -> str:
        value = match.group(1)
        if value == PLACEHOLDER or value[0] in "{%$<":  # already scrubbed, or a template
            return match.group()
        counts["url_password"] += 1
        start, end = match.span(1)
        return match.group()[: start - match.start()] + PLACEHOLDER + match.group()[end - match.start() :]

    return URL_PASSWORD.sub(password, text)


def scrub(text: str) -> tuple[str, dict[str, int]]:
    """Return text with every secret replaced by <SECRET> (quotes kept) and the count per kind.

    Idempotent: scrubbing scrubbed text changes nothing and counts nothing.
    """
    counts: Counter[str] = Counter()
    text = _replace_patterns(text, counts)
    if _might_hold_literal_secret(text):
        spans = _literal_spans(text)
        for start, end, kind in reversed(spans):
            text = text[:start] + PLACEHOLDER + text[end:]
            counts[kind] += 1
    return text, dict(counts)
