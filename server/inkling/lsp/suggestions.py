"""Suggestions as the user types: the inline completion (ghost text) and the completion list."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp.convert import completion_item, inline_item
from inkling.lsp.instance import InklingServer


async def inline_completion(
    ls: InklingServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    text = ls.serving_text(params.text_document.uri)
    if text is None or not ls.engine.settings.enabled:
        return None
    request = text.request(params.position)
    suggestion = await ls.engine.complete(request)
    ls.set_status("ready", force=False)
    if suggestion is None:
        return None
    return types.InlineCompletionList([inline_item(suggestion, params.position, request.suffix, text.eol)])


async def completion(ls: InklingServer, params: types.CompletionParams) -> types.CompletionList | None:
    text = ls.serving_text(params.text_document.uri)
    if text is None:
        return None
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
