"""Suggestions as the user types: the inline completion (ghost text) and the completion list."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp.convert import completion_item, document_text, inline_item
from inkling.lsp.instance import InklingServer


async def inline_completion(
    ls: InklingServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    uri = params.text_document.uri
    ls.adaptation.active()
    if not ls.engine.settings.enabled or ls.status.state == "error" or uri not in ls.workspace.text_documents:
        return None  # never opened: the server does not read files behind the editor's back
    text = document_text(ls.workspace.get_text_document(uri))
    request = text.request(params.position)
    suggestion = await ls.engine.complete(request)
    ls.set_status("ready", force=False)
    if suggestion is None:
        return None
    return types.InlineCompletionList([inline_item(suggestion, params.position, request.suffix, text.eol)])


async def completion(ls: InklingServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    ls.adaptation.active()
    if ls.status.state == "error" or uri not in ls.workspace.text_documents:
        return None
    text = document_text(ls.workspace.get_text_document(uri))
    request = text.request(params.position)
    found = await ls.engine.complete_list(request)
    return types.CompletionList(
        is_incomplete=True,  # the ranking changes with every character typed
        items=[
            completion_item(item, rank, params.position, request.prefix, text.eol)
            for rank, item in enumerate(found)
        ],
    )


def register(server: InklingServer) -> None:
    # pygls 2.x advertises inline completion only when it is registered with its options
    server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())(inline_completion)
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["."], resolve_provider=False),
    )(completion)
