"""Operators: one space around binary, comparison and boolean operators and assignments (`**` is left as
written); none around the `=` of a keyword argument or of a parameter default without an annotation."""

from __future__ import annotations

import re
from typing import TypeVar

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, single_space

N = TypeVar("N", bound=libcst.CSTNode)
_OP = r"(?:\*\*=?|//=?|>>=?|<<=?|[-+*/%&|^@<>!=]=|->|[-+*/%&|^@<>=])"
# An operator or keyword operator without one plain space on a side (a unary minus or a keyword argument
# also matches: then the rule runs and finds nothing to change).
_MAYBE_WRONG = re.compile(
    rf"[^\s(\[{{,]{_OP}|{_OP}[^\s)\]}},]|[ \t]{{2,}}{_OP}|{_OP}[ \t]{{2,}}"
    r"|[ \t]{2,}(?:and|or|not|in|is)\b|\b(?:and|or|not|in|is)[ \t]{2,}|\)(?:and|or)\b|\b(?:and|or)\("
)


class Operators(Rule):
    name = "operators"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return _MAYBE_WRONG.search(text) is not None

    def _spaced(
        self,
        original: libcst.CSTNode,
        updated: N,
        value: str = " ",
        *,
        before: str = "whitespace_before",
        after: str = "whitespace_after",
    ) -> N:
        """`updated` with `value` on both sides of it when the original lies inside the span."""
        if not self.inside(original):
            return updated
        return updated.with_changes(
            **{
                before: single_space(getattr(updated, before), value),
                after: single_space(getattr(updated, after), value),
            }
        )

    def leave_BinaryOperation(
        self, original_node: libcst.BinaryOperation, updated_node: libcst.BinaryOperation
    ) -> libcst.BinaryOperation:
        if isinstance(updated_node.operator, libcst.Power):
            return updated_node
        return updated_node.with_changes(operator=self._spaced(original_node.operator, updated_node.operator))

    def leave_BooleanOperation(
        self, original_node: libcst.BooleanOperation, updated_node: libcst.BooleanOperation
    ) -> libcst.BooleanOperation:
        return updated_node.with_changes(operator=self._spaced(original_node.operator, updated_node.operator))

    def leave_ComparisonTarget(
        self, original_node: libcst.ComparisonTarget, updated_node: libcst.ComparisonTarget
    ) -> libcst.ComparisonTarget:
        return updated_node.with_changes(operator=self._spaced(original_node.operator, updated_node.operator))

    def leave_AugAssign(
        self, original_node: libcst.AugAssign, updated_node: libcst.AugAssign
    ) -> libcst.AugAssign:
        return updated_node.with_changes(operator=self._spaced(original_node.operator, updated_node.operator))

    def leave_AssignTarget(
        self, original_node: libcst.AssignTarget, updated_node: libcst.AssignTarget
    ) -> libcst.AssignTarget:
        return self._spaced(
            original_node, updated_node, before="whitespace_before_equal", after="whitespace_after_equal"
        )

    def leave_AnnAssign(
        self, original_node: libcst.AnnAssign, updated_node: libcst.AnnAssign
    ) -> libcst.AnnAssign:
        if isinstance(updated_node.equal, libcst.AssignEqual) and isinstance(
            original_node.equal, libcst.AssignEqual
        ):
            return updated_node.with_changes(equal=self._spaced(original_node.equal, updated_node.equal))
        return updated_node

    def leave_Arg(self, original_node: libcst.Arg, updated_node: libcst.Arg) -> libcst.Arg:
        if isinstance(updated_node.equal, libcst.AssignEqual) and isinstance(
            original_node.equal, libcst.AssignEqual
        ):
            return updated_node.with_changes(equal=self._spaced(original_node.equal, updated_node.equal, ""))
        return updated_node

    def leave_Param(self, original_node: libcst.Param, updated_node: libcst.Param) -> libcst.Param:
        if isinstance(updated_node.equal, libcst.AssignEqual) and isinstance(
            original_node.equal, libcst.AssignEqual
        ):
            value = " " if updated_node.annotation is not None else ""
            return updated_node.with_changes(
                equal=self._spaced(original_node.equal, updated_node.equal, value)
            )
        return updated_node
