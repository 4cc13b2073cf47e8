"""Operators: one space around binary, comparison and boolean operators and assignments (`**` is left as
written); none around the `=` of a keyword argument or of a parameter default without an annotation."""

from __future__ import annotations

import re

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, Span, single_space

_SPACED = (libcst.BaseBinaryOp, libcst.BaseBooleanOp, libcst.BaseCompOp, libcst.BaseAugOp)  # `**` aside
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

    def __init__(self, style: Style, code: str, span: Span | None) -> None:
        super().__init__(style, code, span)
        self._equal_gaps: dict[int, str] = {}  # id of an `=` node → its gap, from the node that owns it

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        self._equal(node.equal, " ")

    def visit_Arg(self, node: libcst.Arg) -> None:
        self._equal(node.equal, "")

    def visit_Param(self, node: libcst.Param) -> None:
        self._equal(node.equal, " " if node.annotation is not None else "")

    def _equal(self, equal: libcst.AssignEqual | libcst.MaybeSentinel, gap: str) -> None:
        if isinstance(equal, libcst.AssignEqual):
            self._equal_gaps[id(equal)] = gap

    def on_leave(
        self, original_node: libcst.CSTNodeT, updated_node: libcst.CSTNodeT
    ) -> libcst.CSTNodeT | libcst.RemovalSentinel | libcst.FlattenSentinel[libcst.CSTNodeT]:
        """Every operator node owns the gaps on its two sides: set them (an `=` as its owner says)."""
        updated = super().on_leave(original_node, updated_node)
        if isinstance(original_node, libcst.AssignEqual):
            gap = self._equal_gaps.get(id(original_node))
        elif isinstance(original_node, _SPACED) and not isinstance(original_node, libcst.Power):
            gap = " "
        else:
            gap = None
        if gap is None or not isinstance(updated, libcst.CSTNode) or not self.inside(original_node):
            return updated
        return updated.with_changes(
            whitespace_before=single_space(getattr(updated, "whitespace_before"), gap),  # noqa: B009 (any operator)
            whitespace_after=single_space(getattr(updated, "whitespace_after"), gap),  # noqa: B009
        )

    def leave_AssignTarget(
        self, original_node: libcst.AssignTarget, updated_node: libcst.AssignTarget
    ) -> libcst.AssignTarget:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(
            whitespace_before_equal=single_space(updated_node.whitespace_before_equal, " "),
            whitespace_after_equal=single_space(updated_node.whitespace_after_equal, " "),
        )
