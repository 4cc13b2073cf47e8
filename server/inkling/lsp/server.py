"""Feature registration and thin handlers: convert the LSP request, ask the engine, convert the answer."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from inkling import __version__
from inkling.completion.engine import Engine


def build_server(model_dir: Path) -> LanguageServer:
    server = LanguageServer("inkling", __version__)
    engine = Engine(model_dir)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: LanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        if params.text_document.uri not in ls.workspace.text_documents:
            return (
                None  # never opened: nothing we may read (the server does not read files behind the editor)
            )
        document = ls.workspace.get_text_document(params.text_document.uri)
        offset = document.offset_at_position(params.position)  # UTF-16 positions → string offset
        text = await engine.complete(document.source[:offset], document.source[offset:], document.uri)
        if not text.strip():
            return None
        return types.InlineCompletionList(
            items=[
                types.InlineCompletionItem(
                    insert_text=text, range=types.Range(params.position, params.position)
                )
            ]
        )

    return server
