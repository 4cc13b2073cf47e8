"""Hover over a function's name: a one-line summary generated from its body."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp.convert import hover as hover_item
from inkling.lsp.instance import InklingServer


async def hover(ls: InklingServer, params: types.HoverParams) -> types.Hover | None:
    """Over a function's name: a one-line summary generated from its body."""
    uri = params.text_document.uri
    text = ls.serving_text(uri)
    if text is None:
        return None
    summary = await ls.engine.summary(text.request(params.position, f"{uri}#hover"))
    return None if summary is None else hover_item(text, summary)


def register(server: InklingServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
