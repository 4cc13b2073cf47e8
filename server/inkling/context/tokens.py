"""Python source as tokens without a parse: names, operators, numbers, each string one token (an f-string's
fields as code after it), comments dropped; a triple-quoted string may go on into the next text."""

from __future__ import annotations

import re

_TRIPLE_BODY = {  # a triple-quoted string's body and its end (group `end`), or the end of the text
    "'''": r"[^'\\]*(?:(?:\\(?:.|\Z)|'(?!''))[^'\\]*)*(?:(?P<end>''')|\Z)",
    '"""': r'[^"\\]*(?:(?:\\(?:.|\Z)|"(?!""))[^"\\]*)*(?:(?P<end>""")|\Z)',
}
_TOKEN = re.compile(
    r"(?P<triple>[rRbBuUfF]{0,2}(?:'''"
    + _TRIPLE_BODY["'''"].replace("<end>", "<end1>")
    + r'|"""'
    + _TRIPLE_BODY['"""'].replace("<end>", "<end2>")
    + r"))"
    r"|(?P<str>[rRbBuUfF]{0,2}(?:'(?:[^'\\\n]|\\.)*'?|\"(?:[^\"\\\n]|\\.)*\"?))"  # unclosed: ends with its line
    r"|(?P<com>\#[^\r\n]*)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<num>\.?\d(?:[\w.]|(?<=[eE])[-+])*)"
    r"|(?P<cont>\\\r?\n)"
    r"|(?P<nl>\n)"
    r"|(?P<op>\.\.\.|->|:=|\*\*=?|//=?|>>=?|<<=?|[-+*/%&|^@<>=!]=|\S)",
    re.DOTALL,
)
_INSIDE = {quote: re.compile(body, re.DOTALL) for quote, body in _TRIPLE_BODY.items()}

# A token: its kind ("name", "op", "num", "str" or "nl"), its text ("" for a string), its start and end.
Token = tuple[str, str, int, int]


def tokens(text: str, state: str = "") -> tuple[list[Token], str]:
    """`text`'s tokens, comments and line continuations left out, each string one token; `state` is the
    triple quote `text` starts inside ("" for none). Returns the tokens and the triple quote left open."""
    found: list[Token] = []
    pos = 0
    if state:
        inside = _INSIDE[state].match(text)
        assert inside is not None  # the body's pattern matches up to the end of the text at worst
        pos = inside.end()
        if inside.group("end") is None:
            return ([("str", "", 0, pos)] if text else []), state
        found.append(("str", "", 0, pos))
    for match in _TOKEN.finditer(text, pos):
        kind = match.lastgroup
        if kind == "com" or kind == "cont":
            continue
        start, end = match.span()
        if kind == "name" or kind == "op" or kind == "num" or kind == "nl":
            found.append((kind, match.group(), start, end))
            continue
        literal = match.group()
        prefix = len(literal) - len(literal.lstrip("rRbBuUfF"))
        quote = literal[prefix] * (3 if kind == "triple" else 1)
        found.append(("str", "", start, end))
        if kind == "triple":
            closed = match.group("end1") is not None or match.group("end2") is not None
        else:
            closed = len(literal) >= prefix + 2 and literal.endswith(quote) and literal[-2:-1] != "\\"
        if kind == "triple" and not closed:
            return found, quote
        if closed and "f" in literal[:prefix].lower():
            found += _interpolated(text, start + prefix + len(quote), end - len(quote))
    return found, ""


def _interpolated(text: str, start: int, end: int) -> list[Token]:
    """The tokens of the replacement fields of the f-string body text[start:end], each field in brackets
    (so what is in it stays inside, as in a call); conversions (`!r`) and format specs left out."""
    found: list[Token] = []
    for where, expression in _fields(text[start:end]):
        inner, _ = tokens(expression)
        at = start + where
        found.append(("op", "(", at, at))
        found += [(kind, value, at + low, at + high) for kind, value, low, high in inner]
        found.append(("op", ")", at + len(expression), at + len(expression)))
    return found


def _fields(body: str) -> list[tuple[int, str]]:
    """(offset, expression) for each replacement field of an f-string body, those nested in format specs too."""
    fields: list[tuple[int, str]] = []
    i = 0
    while i < len(body):
        if body.startswith("{{", i):
            i += 2
            continue
        if body[i] != "{":
            i += 1
            continue
        depth, j, cut = 0, i + 1, -1
        while j < len(body):
            ch = body[j]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and cut < 0 and (ch == ":" or (ch == "!" and body[j + 1 : j + 2] != "=")):
                cut = j  # the conversion or the format spec starts
            j += 1
        expression = body[i + 1 : j if cut < 0 else cut]
        if expression.rstrip().endswith("=") and expression.rstrip()[-2:-1] not in ("=", "!", "<", ">"):
            expression = expression.rstrip()[:-1]  # `{name=}` shows the name with its value
        fields.append((i + 1, expression))
        if cut >= 0:
            fields += [(cut + where, expression) for where, expression in _fields(body[cut:j])]
        i = j + 1
    return fields
