"""Normalize style: the command that puts a document or a selection into the document's own style, and the
code actions that offer it."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.workspace import TextDocument

from inkling.lsp.convert import document_text, offsets, range_to_json, workspace_edit
from inkling.lsp.instance import InklingServer
from inkling.style.edit import MAX_STYLE_CHARS, normalize_range

NORMALIZE_STYLE = "inkling.normalizeStyle"


def actions(document: TextDocument, selection: types.Range) -> list[types.CodeAction]:
    """The file's action, and the selection's first when something is selected; none for a file over
    MAX_STYLE_CHARS, where the command would refuse."""
    if len(document.source) > MAX_STYLE_CHARS:
        return []
    uri = document.uri
    found = [
        types.CodeAction(
            "Normalize style of the file",
            kind=types.CodeActionKind.Source,
            command=types.Command("Normalize style", NORMALIZE_STYLE, arguments=[uri]),
        )
    ]
    if selection.start != selection.end:
        found.insert(
            0,
            types.CodeAction(
                "Normalize style of the selection",
                kind=types.CodeActionKind.RefactorRewrite,
                command=types.Command(
                    "Normalize style", NORMALIZE_STYLE, arguments=[uri, range_to_json(selection)]
                ),
            ),
        )
    return found


async def normalize_style(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: the document's URI and optionally a range. Puts the document (or the range: nothing
    outside it changes) into the document's own style."""
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise JsonRpcInvalidParams(f"expected a document URI and optionally a range, got {list(args)!r}")
    uri, selection = args[0], args[1] if len(args) == 2 else None
    if uri not in ls.workspace.text_documents:
        raise JsonRpcInvalidParams(f"{uri} is not open")
    document = ls.workspace.get_text_document(uri)
    text, version = document_text(document), document.version
    span = offsets(text, selection)
    loop = asyncio.get_running_loop()
    edit, result = await loop.run_in_executor(None, normalize_range, text.source, *span)
    applied = False
    if edit is not None:
        answer = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(workspace_edit(text, version, edit), label="Normalize style")
        )
        applied = answer.applied
    if result.status in ("skipped", "failed"):
        message = f"Normalize style: nothing changed: {result.reason}"
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))
    return {
        "status": result.status,
        "rules": list(result.applied),
        "applied": applied,
        "reason": result.reason,
    }


def register(server: InklingServer) -> None:
    server.command(NORMALIZE_STYLE)(normalize_style)
