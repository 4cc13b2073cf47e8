"""Insert a docstring into a function with libcst, in the file's docstring quotes and its indentation."""

from __future__ import annotations

import re

import libcst
from libcst.metadata import MetadataWrapper, PositionProvider

from inkling.style.syntax import parse

_TRIPLE = re.compile(r"('''|\"\"\")")


def docstring_quotes(source: str) -> str:
    """The triple quotes the file's docstrings use: `'''` only when the file uses those more often."""
    found = _TRIPLE.findall(source)
    return "'''" if found.count("'''") > found.count('"""') else '"""'


def docstring_literal(text: str, quotes: str) -> str:
    """`text` as a one-line docstring: backslashes escaped, the quotes it could close broken up, a closing
    period when it does not end a sentence."""
    text = " ".join(text.split()).replace("\\", "\\\\")
    text = text.replace(quotes, quotes[0] * 2 + "\\" + quotes[0])
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return f"{quotes}{text}{quotes}"


class _Inserter(libcst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, literal: str) -> None:
        super().__init__()
        self.line = line
        self.literal = literal
        self.done = False

    def leave_FunctionDef(
        self, original_node: libcst.FunctionDef, updated_node: libcst.FunctionDef
    ) -> libcst.FunctionDef:
        if self.done or self.get_metadata(PositionProvider, original_node.name).start.line != self.line:
            return updated_node
        if original_node.get_docstring(clean=False) is not None:
            return updated_node
        self.done = True
        docstring = libcst.SimpleStatementLine([libcst.Expr(libcst.SimpleString(self.literal))])
        body = updated_node.body
        if isinstance(body, libcst.SimpleStatementSuite):  # `def f(): return 1` opens into a block
            rest = libcst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
            return updated_node.with_changes(body=libcst.IndentedBlock([docstring, rest]))
        assert isinstance(body, libcst.IndentedBlock)
        return updated_node.with_changes(body=body.with_changes(body=[docstring, *body.body]))


def insert_docstring(source: str, line: int, text: str) -> str | None:
    """`source` with a one-line docstring holding `text` added to the function whose name is on `line`
    (1-based); None when the source does not parse, no function is there, or it has a docstring already."""
    module = parse(source)
    if module is None or not text.strip():
        return None
    inserter = _Inserter(line, docstring_literal(text, docstring_quotes(source)))
    try:
        changed = MetadataWrapper(module).visit(inserter)
    except RecursionError:
        return None
    return changed.code if inserter.done else None
