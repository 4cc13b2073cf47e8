"""Commas and colons: none of the gap before them, one space after (a comma before a closing bracket, or a
line break, keeps what follows it)."""

from __future__ import annotations

import dataclasses

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, Span, single_space


class Punctuation(Rule):
    name = "punctuation"

    def __init__(self, style: Style, code: str, span: Span | None) -> None:
        super().__init__(style, code, span)
        self._last_commas: set[int] = set()  # ids of commas that end a sequence: what follows is a bracket
        self._arrows: set[int] = set()  # ids of return annotations, written `-> T`

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        if node.returns is not None:
            self._arrows.add(id(node.returns))

    def on_visit(self, node: libcst.CSTNode) -> bool:
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if (
                isinstance(value, (list, tuple))
                and value
                and isinstance(getattr(value[-1], "comma", None), libcst.Comma)
            ):
                self._last_commas.add(id(value[-1].comma))
        return super().on_visit(node)

    def on_leave(
        self, original_node: libcst.CSTNodeT, updated_node: libcst.CSTNodeT
    ) -> libcst.CSTNodeT | libcst.RemovalSentinel | libcst.FlattenSentinel[libcst.CSTNodeT]:
        """No gap before the colon that ends a block header (`def f() :`) or a lambda's parameters."""
        updated = super().on_leave(original_node, updated_node)
        before = getattr(updated, "whitespace_before_colon", None)
        if (
            isinstance(updated, libcst.CSTNode)
            and not isinstance(updated, libcst.DictElement)  # dict colons: leave_DictElement
            and isinstance(before, libcst.SimpleWhitespace)
            and self.inside(original_node)
        ):
            return updated.with_changes(whitespace_before_colon=single_space(before, ""))
        return updated

    def leave_Comma(self, original_node: libcst.Comma, updated_node: libcst.Comma) -> libcst.Comma:
        if not self.inside(original_node):
            return updated_node
        # a comma before a closing bracket is followed by the bracket itself
        after = single_space(
            updated_node.whitespace_after, "" if id(original_node) in self._last_commas else " "
        )
        return updated_node.with_changes(
            whitespace_before=single_space(updated_node.whitespace_before, ""), whitespace_after=after
        )

    def leave_DictElement(
        self, original_node: libcst.DictElement, updated_node: libcst.DictElement
    ) -> libcst.DictElement:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(
            whitespace_before_colon=single_space(updated_node.whitespace_before_colon, ""),
            whitespace_after_colon=single_space(updated_node.whitespace_after_colon, " "),
        )

    def leave_Annotation(
        self, original_node: libcst.Annotation, updated_node: libcst.Annotation
    ) -> libcst.Annotation:
        before = updated_node.whitespace_before_indicator
        if not self.inside(original_node) or not isinstance(before, libcst.BaseParenthesizableWhitespace):
            return updated_node
        arrow = (
            id(original_node) in self._arrows
        )  # `-> T` has a space both sides, `x: T` after the colon only
        return updated_node.with_changes(
            whitespace_before_indicator=single_space(before, " " if arrow else ""),
            whitespace_after_indicator=single_space(updated_node.whitespace_after_indicator, " "),
        )
