"""Quotes: ordinary strings in the file's quote, triple-quoted ones in double quotes (PEP 257)."""

from __future__ import annotations

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule

_PREFIX_CHARS = "rRbBuUfF"


def requote(literal: str, quote: str) -> str:
    """`literal` (a whole string token, prefix included) in `quote`, or unchanged when that would need an
    escape to be added or removed (a body holding either quote or a backslash next to one)."""
    body = literal.lstrip(_PREFIX_CHARS)
    prefix = literal[: len(literal) - len(body)]
    if body[:3] in ('"""', "'''"):
        inner, target = body[3:-3], '"""'
        if body[:3] == target or '"' in inner:
            return literal
    else:
        inner, target = body[1:-1], quote
        if body[0] == quote or "'" in inner or '"' in inner:
            return literal
    return prefix + target + inner + target


class Quotes(Rule):
    name = "quotes"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return ("'" if style.quote == '"' else '"') in text or "'''" in text

    def leave_SimpleString(
        self, original_node: libcst.SimpleString, updated_node: libcst.SimpleString
    ) -> libcst.SimpleString:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(value=requote(updated_node.value, self.style.quote))

    def leave_FormattedString(
        self, original_node: libcst.FormattedString, updated_node: libcst.FormattedString
    ) -> libcst.FormattedString:
        if not self.inside(original_node):
            return updated_node
        code = libcst.Module([]).code_for_node(updated_node)
        prefix = updated_node.start[: len(updated_node.start) - len(updated_node.start.lstrip(_PREFIX_CHARS))]
        if requote(code, self.style.quote) == code:
            return updated_node
        quote = '"""' if len(updated_node.end) == 3 else self.style.quote
        return updated_node.with_changes(start=prefix + quote, end=quote)
