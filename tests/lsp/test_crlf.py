"""A CRLF document gets the answers its LF twin gets (the engine reads LF only), with CRLF restored in the
text that goes back, and an applied edit leaves no bare LF in it: for every feature."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from tests.lsp.session import Client, only_edit, run, serve

LF = "file:///tmp/crlf_twin_lf.py"
CR = "file:///tmp/crlf_twin_cr.py"
SOURCE = """import os


# return the sum of two numbers


def total_size(paths):
    total_bytes = 0
    for path in paths:
        total_bytes += os.path.exi
    return total_bytes


def size( path ):
    total=os.path.getsize( path )
    if total:
        return total
"""


def _apply(text: str, edit: types.TextEdit) -> str:
    """`text` (any line ends) with an LSP edit applied; positions count lines as LSP does (ASCII text)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _both(client: Client) -> None:
    client.open(LF, SOURCE)
    client.open(CR, _crlf(SOURCE))


async def _edit(client: Client, command: str, arguments: list[Any]) -> tuple[dict[str, Any], types.TextEdit]:
    client.edits.clear()
    answer = await client.workspace_execute_command_async(types.ExecuteCommandParams(command, arguments))
    edit, _ = only_edit(client)
    return answer, edit


def test_completions_and_hover_on_a_crlf_document_equal_the_lf_ones() -> None:
    async def session() -> None:
        async with serve() as client:
            _both(client)
            answered = []
            for line, character in ((9, 34), (15, 13), (16, 15), (7, 19)):
                lf, cr = await client.inline(LF, line, character), await client.inline(CR, line, character)
                assert (lf is None) == (cr is None), (line, character)
                if lf is None or cr is None:
                    continue
                assert [i.range for i in cr.items] == [i.range for i in lf.items]
                texts = [(i.insert_text, _crlf(str(j.insert_text))) for i, j in zip(cr.items, lf.items, strict=True)]
                assert all(a == b for a, b in texts), texts
                answered.append(texts[0][1])
            assert answered  # (the shipped model rarely suggests more than one line here)

            def params(uri: str) -> types.CompletionParams:
                return types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(9, 34))

            lf_list = await client.text_document_completion_async(params(LF))
            cr_list = await client.text_document_completion_async(params(CR))
            assert isinstance(lf_list, types.CompletionList) and isinstance(cr_list, types.CompletionList)
            assert lf_list.items and cr_list.items == lf_list.items

            def hover(uri: str) -> types.HoverParams:
                return types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(6, 6))

            lf_hover = await client.text_document_hover_async(hover(LF))
            cr_hover = await client.text_document_hover_async(hover(CR))
            assert lf_hover is not None and cr_hover == lf_hover
            assert lf_hover.range == types.Range(types.Position(6, 4), types.Position(6, 14))

    run(session())


def test_generated_and_normalized_edits_keep_crlf() -> None:
    async def session() -> None:
        async with serve() as client:
            _both(client)
            for command, line in (
                ("inkling.generateCode", 3),
                ("inkling.insertDocstring", 6),
                ("inkling.normalizeStyle", None),
            ):
                arguments: list[Any] = [] if line is None else [{"line": line, "character": 0}]
                lf_answer, lf_edit = await _edit(client, command, [LF, *arguments])
                cr_answer, cr_edit = await _edit(client, command, [CR, *arguments])
                assert cr_edit.range == lf_edit.range, command
                assert cr_edit.new_text == _crlf(lf_edit.new_text), command
                assert "\n" in lf_edit.new_text, command  # multi-line text, so the line ends matter
                after = _apply(_crlf(SOURCE), cr_edit)
                assert "\n" not in after.replace("\r\n", ""), command  # no bare LF
                assert after == _crlf(_apply(SOURCE, lf_edit)), command
                if "text" in lf_answer:
                    assert cr_answer["text"] == _crlf(lf_answer["text"])

    run(session())
