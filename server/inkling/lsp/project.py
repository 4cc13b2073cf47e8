"""The workspace index's side of the protocol: which files the client opened, saved, changed on disk or removed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls import uris

from inkling.lsp.convert import document_text
from inkling.lsp.instance import InklingServer
from inkling.lsp.training import workspace_roots

log = logging.getLogger("inkling.server")
WATCH_ID = "inkling-python-files"


def file_path(uri: str) -> Path | None:
    """The real path of a file: URI, None for any other."""
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path).resolve() if path else None


def start_index(ls: InklingServer) -> None:
    """With the setting workspaceIndex on, index the client's workspace folders (once), and watch them."""
    roots = workspace_roots(ls.workspace)
    if ls.engine.settings.workspace_index and ls.engine.project is None and roots:
        ls.engine.open_workspace(roots)
        watch_python_files(ls)
        for document in list(ls.workspace.text_documents.values()):
            opened(ls, document.uri, document_text(document).source)


def watch_python_files(ls: InklingServer) -> None:
    """Ask the client to report created, changed and deleted Python files, when it can register watchers."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        [types.FileSystemWatcher(glob_pattern="**/*.py")]
    )
    registration = types.Registration(WATCH_ID, types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
    ls.client_register_capability(types.RegistrationParams([registration]), _registered)


def _registered(error: object = None) -> None:
    if error:
        log.warning("the client did not take the file watcher: %s", error)


def opened(ls: InklingServer, uri: str, text: str) -> None:
    """An opened or saved document: the index reads its editor text, not the file."""
    path = file_path(uri)
    if ls.engine.project is not None and path is not None:
        ls.engine.project.files.opened(path, text)
        ls.engine.project.touched()


def closed(ls: InklingServer, uri: str) -> None:
    path = file_path(uri)
    if ls.engine.project is not None and path is not None:
        ls.engine.project.files.closed(path)
        ls.engine.project.touched()


def files_changed(ls: InklingServer, changes: Sequence[types.FileEvent]) -> None:
    """Files created, changed or deleted on disk (by git, another editor, a formatter)."""
    project = ls.engine.project
    if project is None:
        return
    for change in changes:
        path = file_path(change.uri)
        if path is None:
            continue
        if change.type == types.FileChangeType.Deleted:
            project.files.deleted(path)
        else:
            project.files.disk_changed(path)
    project.touched()
