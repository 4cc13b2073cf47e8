"""Trailing whitespace: none at the end of a code line, a comment line or a blank line (string contents
are values, not whitespace, and stay)."""

from __future__ import annotations

import libcst

from inkling.style.rules.base import Rule


class TrailingWhitespace(Rule):
    name = "trailing-whitespace"

    def leave_TrailingWhitespace(
        self, original_node: libcst.TrailingWhitespace, updated_node: libcst.TrailingWhitespace
    ) -> libcst.TrailingWhitespace:
        if not self.inside(original_node) or updated_node.comment is not None:
            return updated_node  # the gap before a comment is not trailing
        return updated_node.with_changes(whitespace=libcst.SimpleWhitespace(""))

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
