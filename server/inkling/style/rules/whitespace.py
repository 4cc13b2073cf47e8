"""Whitespace at line ends: none after a code line, a comment or on a blank line, and two spaces before an
inline comment (PEP 8); string contents are values, not whitespace, and stay."""

from __future__ import annotations

import re

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, single_space

_TRAILING = re.compile(r"[ \t\f]$", re.MULTILINE)


class TrailingWhitespace(Rule):
    name = "trailing-whitespace"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return "#" in text or _TRAILING.search(text) is not None

    def leave_TrailingWhitespace(
        self, original_node: libcst.TrailingWhitespace, updated_node: libcst.TrailingWhitespace
    ) -> libcst.TrailingWhitespace:
        if not self.inside(original_node):
            return updated_node
        gap = "  " if updated_node.comment is not None else ""
        return updated_node.with_changes(whitespace=single_space(updated_node.whitespace, gap))

    def leave_SimpleStatementLine(
        self, original_node: libcst.SimpleStatementLine, updated_node: libcst.SimpleStatementLine
    ) -> libcst.SimpleStatementLine:
        """A line that ends in `;` keeps its end-of-line gap in the semicolon: it goes to the line's end."""
        last = updated_node.body[-1]
        semicolon = last.semicolon
        if not self.inside(original_node) or not isinstance(semicolon, libcst.Semicolon):
            return updated_node
        gap = single_space(semicolon.whitespace_after, "")
        body = [
            *updated_node.body[:-1],
            last.with_changes(semicolon=semicolon.with_changes(whitespace_after=gap)),
        ]
        return updated_node.with_changes(body=body)

    def leave_EmptyLine(
        self, original_node: libcst.EmptyLine, updated_node: libcst.EmptyLine
    ) -> libcst.EmptyLine:
        if not self.inside(original_node):
            return updated_node
        if updated_node.comment is None:  # a blank line: no indentation, no spaces
            return updated_node.with_changes(indent=False, whitespace=libcst.SimpleWhitespace(""))
        return updated_node

    def leave_Comment(self, original_node: libcst.Comment, updated_node: libcst.Comment) -> libcst.Comment:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(value=updated_node.value.rstrip())
