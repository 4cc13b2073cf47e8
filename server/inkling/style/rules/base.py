"""What every style rule shares: the file's style and the span of the text it may change."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst
from libcst.metadata import CodePosition, MetadataWrapper, PositionProvider

from inkling.style.detect import Style

Span = tuple[int, int]
_LINE_END = re.compile("\n")  # character offsets [start, end) in the module's code


class Rule(libcst.CSTTransformer):
    """A transformer that rewrites only nodes that lie wholly inside its span (the whole module when None)."""

    name: ClassVar[str]
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, style: Style, code: str, span: Span | None) -> None:
        super().__init__()
        self.style = style
        self.span = span
        self._fstrings = 0  # f-strings the visit is inside
        self._line_starts = [0, *(m.end() for m in _LINE_END.finditer(code))] if span is not None else [0]
        self._length = len(code)

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        """Whether the rule can have anything to change in `text` (the span's text): a cheap test that
        spares a snippet the rules that cannot apply to it."""
        return True

    @classmethod
    def apply(cls, module: libcst.Module, style: Style, span: Span | None) -> libcst.Module:
        rule = cls(style, module.code if span is not None else "", span)
        if span is None:
            return module.visit(rule)  # no positions needed: everything is inside
        return MetadataWrapper(module, unsafe_skip_copy=True).visit(rule)

    def on_visit(self, node: libcst.CSTNode) -> bool:
        if isinstance(node, libcst.FormattedString):
            self._fstrings += 1
        return super().on_visit(node)

    def on_leave(
        self, original_node: libcst.CSTNodeT, updated_node: libcst.CSTNodeT
    ) -> libcst.CSTNodeT | libcst.RemovalSentinel | libcst.FlattenSentinel[libcst.CSTNodeT]:
        if isinstance(original_node, libcst.FormattedString):
            self._fstrings -= 1  # before its own leave_: the f-string itself may change, not its inside
        return super().on_leave(original_node, updated_node)

    def inside(self, node: libcst.CSTNode) -> bool:
        """Whether the rule may change `node` (an original node: positions are known for those only).
        Nothing inside an f-string's braces changes: the quotes there are fixed, and `{x=}` prints its spaces."""
        if self._fstrings:
            return False
        if self.span is None:
            return True
        where = self.get_metadata(PositionProvider, node, None)
        if where is None:
            return False
        return self.span[0] <= self._offset(where.start) and self._offset(where.end) <= self.span[1]

    def _offset(self, position: CodePosition) -> int:
        """A position's character offset; libcst places a line break it adds at the end past the code."""
        if position.line > len(self._line_starts):
            return self._length
        return self._line_starts[position.line - 1] + position.column


def single_space(
    whitespace: libcst.BaseParenthesizableWhitespace, value: str
) -> libcst.BaseParenthesizableWhitespace:
    """`value` in place of a same-line gap; a gap with a line break or a backslash continuation stays."""
    if isinstance(whitespace, libcst.SimpleWhitespace) and "\\" not in whitespace.value:
        return libcst.SimpleWhitespace(value)
    return whitespace
