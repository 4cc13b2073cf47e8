"""Commas, colons and brackets: no gap before a comma or colon and one space after it (none between a last
comma and its closing bracket), no gap inside brackets; line breaks stay where they are."""

from __future__ import annotations

import dataclasses

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, Span, single_space


class Punctuation(Rule):
    name = "punctuation"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return any(char in text for char in ",:()[]{}")

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

    def leave_LeftParen(
        self, original_node: libcst.LeftParen, updated_node: libcst.LeftParen
    ) -> libcst.LeftParen:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_after=single_space(updated_node.whitespace_after, ""))

    def leave_RightParen(
        self, original_node: libcst.RightParen, updated_node: libcst.RightParen
    ) -> libcst.RightParen:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_before=single_space(updated_node.whitespace_before, ""))

    def leave_LeftSquareBracket(
        self, original_node: libcst.LeftSquareBracket, updated_node: libcst.LeftSquareBracket
    ) -> libcst.LeftSquareBracket:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_after=single_space(updated_node.whitespace_after, ""))

    def leave_RightSquareBracket(
        self, original_node: libcst.RightSquareBracket, updated_node: libcst.RightSquareBracket
    ) -> libcst.RightSquareBracket:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_before=single_space(updated_node.whitespace_before, ""))

    def leave_LeftCurlyBrace(
        self, original_node: libcst.LeftCurlyBrace, updated_node: libcst.LeftCurlyBrace
    ) -> libcst.LeftCurlyBrace:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_after=single_space(updated_node.whitespace_after, ""))

    def leave_RightCurlyBrace(
        self, original_node: libcst.RightCurlyBrace, updated_node: libcst.RightCurlyBrace
    ) -> libcst.RightCurlyBrace:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(whitespace_before=single_space(updated_node.whitespace_before, ""))

    def leave_Call(self, original_node: libcst.Call, updated_node: libcst.Call) -> libcst.Call:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(
            whitespace_after_func=single_space(updated_node.whitespace_after_func, ""),
            whitespace_before_args=single_space(updated_node.whitespace_before_args, ""),
        )

    def leave_Arg(self, original_node: libcst.Arg, updated_node: libcst.Arg) -> libcst.Arg:
        if not self.inside(original_node):  # the gap after an argument: before its comma or the `)`
            return updated_node
        return updated_node.with_changes(
            whitespace_after_arg=single_space(updated_node.whitespace_after_arg, "")
        )

    def leave_FunctionDef(
        self, original_node: libcst.FunctionDef, updated_node: libcst.FunctionDef
    ) -> libcst.FunctionDef:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(
            whitespace_before_params=single_space(updated_node.whitespace_before_params, "")
        )

    def leave_Param(self, original_node: libcst.Param, updated_node: libcst.Param) -> libcst.Param:
        if not self.inside(original_node):
            return updated_node
        return updated_node.with_changes(
            whitespace_after_param=single_space(updated_node.whitespace_after_param, "")
        )

    def leave_Lambda(self, original_node: libcst.Lambda, updated_node: libcst.Lambda) -> libcst.Lambda:
        if not self.inside(original_node):
            return updated_node
        colon = updated_node.colon
        return updated_node.with_changes(
            colon=colon.with_changes(
                whitespace_before=single_space(colon.whitespace_before, ""),
                whitespace_after=single_space(colon.whitespace_after, " "),
            )
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
