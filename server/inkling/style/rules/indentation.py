"""Indentation: every block indented by the file's unit; a continuation line inside brackets keeps its
place relative to its block, and the contents of strings stay as they are."""

from __future__ import annotations

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule


class Indentation(Rule):
    name = "indentation"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return "\n" in text

    def leave_IndentedBlock(
        self, original_node: libcst.IndentedBlock, updated_node: libcst.IndentedBlock
    ) -> libcst.IndentedBlock:
        if not self.inside(original_node):
            return updated_node
        # Over a whole module the blocks take the module's default (set below); inside a span the block
        # says it explicitly, so that the blocks around the span keep theirs.
        return updated_node.with_changes(indent=None if self.span is None else self.style.indent)

    def leave_Module(self, original_node: libcst.Module, updated_node: libcst.Module) -> libcst.Module:
        if self.span is not None:
            return updated_node
        return updated_node.with_changes(default_indent=self.style.indent)
