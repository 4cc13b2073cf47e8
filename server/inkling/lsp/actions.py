"""Code actions: Normalize style and the generating commands, offered for the line or selection, filtered by
the kinds the client asks for."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp import generation, normalize
from inkling.lsp.instance import InklingServer


def _kind(kind: object) -> str:
    """A code action kind's string ("refactor.rewrite"), whether it came as the enum or as text."""
    return str(getattr(kind, "value", kind))


def code_action(ls: InklingServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    """Offered, not computed: the command does the work once the user picks the action."""
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return None
    document = ls.workspace.get_text_document(uri)
    actions = normalize.actions(document, params.range)
    actions.extend(generation.actions(document, params.range.start.line))
    only = [_kind(kind) for kind in params.context.only or []]
    return [a for a in actions if not only or any(_kind(a.kind).startswith(kind) for kind in only)]


def register(server: InklingServer) -> None:
    kinds = [types.CodeActionKind.Source, types.CodeActionKind.RefactorRewrite]
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=kinds))(
        code_action
    )
