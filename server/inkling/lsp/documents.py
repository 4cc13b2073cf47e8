"""Document sync: the client opens, changes, saves and closes documents, and files change on disk."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp import project
from inkling.lsp.convert import document_text
from inkling.lsp.instance import InklingServer


def did_open(ls: InklingServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    text = document_text(ls.workspace.get_text_document(uri)).source
    ls.adaptation.active()
    ls.engine.warm(uri, text)
    project.opened(ls, uri, text)


def did_save(ls: InklingServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.workspace.text_documents.get(params.text_document.uri)
    if document is not None:
        project.opened(ls, params.text_document.uri, document_text(document).source)


def did_change_watched_files(ls: InklingServer, params: types.DidChangeWatchedFilesParams) -> None:
    project.files_changed(ls, params.changes)


def did_change(ls: InklingServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.adaptation.active()

    def text() -> str | None:  # read when the model thread gets to it, so typing costs nothing here
        document = ls.workspace.text_documents.get(uri)
        return None if document is None else document_text(document).source

    ls.engine.changed(uri, text)


def did_close(ls: InklingServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.engine.forget(params.text_document.uri)
    project.closed(ls, params.text_document.uri)


def register(server: InklingServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
