"""Blank lines: the file's number of blank lines before and after each def and class (two at the top level
in PEP 8, one inside a class); where comments stand above a statement, its blank lines stay as written."""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule

_DEFINITIONS = (libcst.FunctionDef, libcst.ClassDef)
_DEFINITION = re.compile(r"\b(?:def|class)\b")


class BlankLines(Rule):
    name = "blank-lines"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return _DEFINITION.search(text) is not None

    def _spaced(
        self, body: Sequence[libcst.BaseStatement], original: Sequence[libcst.BaseStatement], blanks: int
    ) -> list[libcst.BaseStatement]:
        out = list(body)
        for i in range(1, len(out)):
            if not (isinstance(out[i], _DEFINITIONS) or isinstance(out[i - 1], _DEFINITIONS)):
                continue
            if not self.inside(original[i]):
                continue
            statement = out[i]
            lines = list(getattr(statement, "leading_lines", ()))
            if any(line.comment is not None for line in lines):
                continue  # comments above a definition keep the blank lines around them as written
            leading = [libcst.EmptyLine(indent=False)] * blanks
            out[i] = statement.with_changes(leading_lines=leading)
        return out

    def leave_Module(self, original_node: libcst.Module, updated_node: libcst.Module) -> libcst.Module:
        body = self._spaced(updated_node.body, original_node.body, self.style.blank_lines_top)
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: libcst.IndentedBlock, updated_node: libcst.IndentedBlock
    ) -> libcst.IndentedBlock:
        body = self._spaced(updated_node.body, original_node.body, self.style.blank_lines_nested)
        return updated_node.with_changes(body=body)
