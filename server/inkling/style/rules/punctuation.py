"""Commas, colons and brackets: no gap before a comma or colon and one space after it (none between a last
comma and its closing bracket), no gap inside brackets; line breaks stay where they are."""

from __future__ import annotations

import dataclasses
import re

import libcst

from inkling.style.detect import Style
from inkling.style.rules.base import Rule, Span, single_space

# Gaps that are always the same, per node: field → its gap (a gap with a line break stays as it is).
_GAPS: dict[type[libcst.CSTNode], dict[str, str]] = {
    libcst.LeftParen: {"whitespace_after": ""},
    libcst.LeftSquareBracket: {"whitespace_after": ""},
    libcst.LeftCurlyBrace: {"whitespace_after": ""},
    libcst.RightParen: {"whitespace_before": ""},
    libcst.RightSquareBracket: {"whitespace_before": ""},
    libcst.RightCurlyBrace: {"whitespace_before": ""},
    libcst.Call: {"whitespace_after_func": "", "whitespace_before_args": ""},
    libcst.Arg: {"whitespace_after_arg": ""},  # before the `)` (after a comma, the comma owns the gap)
    libcst.FunctionDef: {"whitespace_before_params": ""},
    libcst.Param: {"whitespace_after_param": ""},
    libcst.DictElement: {"whitespace_before_colon": "", "whitespace_after_colon": " "},
}


# A gap before a comma, colon or closer, after an opener, none after a comma or colon, an arrow, a double
# gap, or a gap before a call's or subscript's bracket (a slice or a lambda also matches: then the rule runs
# and finds nothing to change).
_MAYBE_WRONG = re.compile(
    r"[ \t]+[,;:)\]}]|[(\[{][ \t]|[,;][^\s)\]}]|:[^\s\]]|->|\S[ \t]{2,}\S|\w[ \t]+[(\[]"
)


# The elements of bracketed sequences: after the last one's comma comes the closing bracket. (An `assert`
# also has a comma, followed by its message.)
_ELEMENTS = (
    libcst.Arg,
    libcst.BaseElement,
    libcst.BaseDictElement,
    libcst.Param,
    libcst.ImportAlias,
    libcst.SubscriptElement,
    libcst.WithItem,
)


class Punctuation(Rule):
    name = "punctuation"

    @staticmethod
    def relevant(text: str, style: Style) -> bool:
        return _MAYBE_WRONG.search(text) is not None

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
                and isinstance(value[-1], _ELEMENTS)
                and isinstance(value[-1].comma, libcst.Comma)
            ):
                self._last_commas.add(id(value[-1].comma))
        return super().on_visit(node)

    def on_leave(
        self, original_node: libcst.CSTNodeT, updated_node: libcst.CSTNodeT
    ) -> libcst.CSTNodeT | libcst.RemovalSentinel | libcst.FlattenSentinel[libcst.CSTNodeT]:
        """The gaps of _GAPS, and none before the colon that ends a block header (`def f() :`)."""
        updated = super().on_leave(original_node, updated_node)
        if not isinstance(updated, libcst.CSTNode):
            return updated
        gaps = dict(_GAPS.get(type(updated), {}))
        if isinstance(getattr(updated, "whitespace_before_colon", None), libcst.SimpleWhitespace):
            gaps.setdefault("whitespace_before_colon", "")
        if not gaps or not self.inside(original_node):
            return updated
        return updated.with_changes(
            **{name: single_space(getattr(updated, name), gap) for name, gap in gaps.items()}
        )

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

    def leave_Annotation(
        self, original_node: libcst.Annotation, updated_node: libcst.Annotation
    ) -> libcst.Annotation:
        before = updated_node.whitespace_before_indicator
        if not self.inside(original_node) or not isinstance(before, libcst.BaseParenthesizableWhitespace):
            return updated_node
        arrow = id(original_node) in self._arrows  # `-> T`: a space both sides; `x: T`: after the colon
        return updated_node.with_changes(
            whitespace_before_indicator=single_space(before, " " if arrow else ""),
            whitespace_after_indicator=single_space(updated_node.whitespace_after_indicator, " "),
        )
