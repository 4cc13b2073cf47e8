"""A real `inkling serve` over stdio, driven by pygls's client, recording what the server notifies."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.client import LanguageClient

MODEL = Path(__file__).resolve().parents[2] / "server" / "inkling" / "assets" / "default"


def _command_or_code_action(obj: Any, _: type) -> types.Command | types.CodeAction:
    """lsprotocol reads any object with a "command" key as a Command, so a CodeAction that carries a
    command came back as a Command with the CodeAction's dict as its name; a Command's command is a string."""
    converter = get_converter()
    if isinstance(obj.get("command"), str):
        return converter.structure(obj, types.Command)
    return converter.structure(obj, types.CodeAction)


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("inkling-test", "0")
        self.protocol._converter.register_structure_hook(  # type: ignore[attr-defined]
            types.Command | types.CodeAction, _command_or_code_action
        )
        self.statuses: list[dict[str, Any]] = []
        self.logs: list[types.LogMessageParams] = []
        self.versions: dict[str, int] = {}
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.progress: list[Any] = []  # $/progress values (begin, report, end), in order

        @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create_progress(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.feature(types.PROGRESS)
        def on_progress(params: types.ProgressParams) -> None:
            self.progress.append(params)

        self.accept_edits = True

        @self.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            """Records the edit; an editor would reject one for a version it no longer has."""
            self.edits.append(params)
            return types.ApplyWorkspaceEditResult(applied=self.accept_edits)

        @self.feature("inkling/status")
        def status(params: Any) -> None:
            self.statuses.append(params if isinstance(params, dict) else params._asdict())

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: types.LogMessageParams) -> None:
            self.logs.append(params)

        self.shown: list[str] = []  # documents the server asked to show (window/showDocument)

        @self.feature(types.WINDOW_SHOW_DOCUMENT)
        def show_document(params: types.ShowDocumentParams) -> types.ShowDocumentResult:
            self.shown.append(params.uri)
            return types.ShowDocumentResult(success=True)

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def show_message(params: types.ShowMessageParams) -> None:
            self.logs.append(types.LogMessageParams(params.type, params.message))

    async def ready(self, timeout: float = 60) -> dict[str, Any]:
        """Wait for the status notification that ends loading."""
        async with asyncio.timeout(timeout):
            while not self.statuses or self.statuses[-1]["state"] in ("loading", "busy"):
                await asyncio.sleep(0.02)
        return self.statuses[-1]

    async def logged(self, text: str, timeout: float = 30) -> types.LogMessageParams:
        """Wait for a log message that contains `text`."""
        async with asyncio.timeout(timeout):
            while True:
                for log in self.logs:
                    if text in log.message:
                        return log
                await asyncio.sleep(0.02)

    def configure(self, settings: dict[str, Any]) -> None:
        """workspace/didChangeConfiguration as VS Code sends it (the "inkling" section)."""
        self.workspace_did_change_configuration(types.DidChangeConfigurationParams({"inkling": settings}))

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
        )

    def insert(self, uri: str, line: int, character: int, text: str) -> None:
        """An incremental change: `text` inserted at (line, character), as an editor sends a keystroke."""
        self.versions[uri] += 1
        at = types.Position(line, character)
        change = types.TextDocumentContentChangePartial(range=types.Range(at, at), text=text)
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]), [change]
            )
        )

    async def inline(self, uri: str, line: int, character: int) -> types.InlineCompletionList | None:
        params = types.InlineCompletionParams(
            context=types.InlineCompletionContext(types.InlineCompletionTriggerKind.Automatic),
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(line, character),
        )
        return await self.text_document_inline_completion_async(params)

    async def inline_text(self, uri: str, line: int, character: int) -> str | None:
        answer = await self.inline(uri, line, character)
        if answer is None or not answer.items:
            return None
        text = answer.items[0].insert_text
        assert isinstance(text, str)
        return text


def apply_edit(text: str, edit: types.TextEdit) -> str:
    """`text` with an LSP text edit applied (ASCII text: characters and UTF-16 units agree)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: edit.range.start.line]) + edit.range.start.character
    end = sum(len(line) + 1 for line in lines[: edit.range.end.line]) + edit.range.end.character
    return text[:start] + edit.new_text + text[end:]


def only_edit(client: Client) -> tuple[types.TextEdit, int | None]:
    """The one text edit of the one workspace/applyEdit the client got, and the document version it is for."""
    (params,) = client.edits
    (change,) = params.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    return edit, change.text_document.version


@asynccontextmanager
async def serve(
    options: dict[str, Any] | None = None, model: Path = MODEL, folder: Path | None = None
) -> AsyncIterator[Client]:
    """A started, initialized server whose model has finished loading (with `folder` as its workspace)."""
    client = Client()
    await client.start_io(sys.executable, "-m", "inkling", "serve", "--model", str(model))
    folders = None if folder is None else [types.WorkspaceFolder(folder.as_uri(), folder.name)]
    client.initialize_result = await client.initialize_async(  # type: ignore[attr-defined]
        types.InitializeParams(
            process_id=None,
            root_uri=None,
            workspace_folders=folders,
            capabilities=types.ClientCapabilities(),
            initialization_options=options,
        )
    )
    client.initialized(types.InitializedParams())
    try:
        await client.ready()
        yield client
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


def run(coro: Any, timeout: float = 120) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))
