"""Feature registration and thin handlers: convert the LSP request, ask the engine, convert the answer."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from inkling import __version__
from inkling.completion.engine import Engine
from inkling.lsp import project
from inkling.lsp.adapt import Adaptation
from inkling.lsp.convert import (
    completion_item,
    document_text,
    inline_item,
    offsets,
    range_to_json,
    workspace_edit,
)
from inkling.lsp.convert import hover as hover_item
from inkling.lsp.generation import (
    GENERATE_CODE,
    GENERATE_TEST,
    INSERT_DOCSTRING,
    generate_code,
    generate_test,
    insert_docstring,
)
from inkling.lsp.generation import actions as generation_actions
from inkling.lsp.protocol import STATUS, InklingProtocol, State, Status
from inkling.lsp.training import TRAIN_WORKSPACE, parse_arguments, train_workspace
from inkling.settings import parse_settings
from inkling.style.edit import MAX_STYLE_CHARS, normalize_range

log = logging.getLogger("inkling.server")
MODEL_INFO = "inkling.modelInfo"
NORMALIZE_STYLE = "inkling.normalizeStyle"
REQUEST_FAILED = -32803  # LSP's RequestFailed: valid arguments, but the server cannot do it now
STATUS_INTERVAL_S = 1.0  # latency updates reach the status bar at most this often


class InklingServer(LanguageServer):
    """A pygls server that owns the engine and tells the client how it is doing."""

    def __init__(self, model_dir: Path) -> None:
        super().__init__("inkling", __version__, protocol_cls=InklingProtocol)
        self.default_model = model_dir
        self.engine = Engine(model_dir)
        self.requested_model = model_dir
        self.status = Status("loading")
        self.training = False  # one workspace training at a time
        self.adaptation = Adaptation(self)  # the setting adaptToWorkspace's background run
        self._status_sent = 0.0

    def shutdown(self) -> None:
        """Stop the engine's helper process and an adaptation's child, then what pygls stops."""
        self.adaptation.kill()
        self.engine.close()
        super().shutdown()  # type: ignore[no-untyped-call]

    def say(self, level: int, message: str) -> None:
        """To stderr and to the client's log (`window/logMessage`)."""
        log.log(level, message)
        kinds = {logging.ERROR: types.MessageType.Error, logging.WARNING: types.MessageType.Warning}
        self.window_log_message(types.LogMessageParams(kinds.get(level, types.MessageType.Info), message))

    def set_status(self, state: State, message: str = "", force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self._status_sent < STATUS_INTERVAL_S:
            return
        self._status_sent = now
        model = self.engine.model_dir.name
        self.status = Status(state, model, self.engine.last_latency_ms, message)
        self.protocol.notify(STATUS, self.status.to_json())

    def apply_settings(self, raw: object) -> Path:
        """Take the client's settings; returns the model folder they ask for."""
        settings, warnings = parse_settings(raw, self.engine.settings)
        for warning in warnings:
            self.say(logging.WARNING, warning)
        self.engine.settings = settings
        return Path(settings.model_path).expanduser() if settings.model_path else self.default_model

    async def load_model(self, model_dir: Path) -> None:
        """Load or switch the model on the model thread; a failure keeps the current model and says why."""
        first = not self.engine.loaded
        self.set_status("loading" if first else "busy")
        try:
            name = await self.engine.call(lambda: self.engine.load(model_dir))
        except Exception as exc:  # whatever a broken checkpoint raises, the server stays up and says why
            message = f"cannot load the model in {model_dir}: {exc}"
            self.say(logging.ERROR, message)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            self.set_status("error" if first else "ready", message)
            return
        self.say(logging.INFO, f"model {name} ready ({self.engine.model_dir})")
        self.set_status("ready" if self.engine.settings.enabled else "disabled")


def _kind(kind: object) -> str:
    """A code action kind's string ("refactor.rewrite"), whether it came as the enum or as text."""
    return str(getattr(kind, "value", kind))


def build_server(model_dir: Path) -> InklingServer:
    server = InklingServer(model_dir)

    @server.feature(types.INITIALIZE)
    def initialize(ls: InklingServer, params: types.InitializeParams) -> None:
        ls.requested_model = ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: InklingServer, params: types.InitializedParams) -> None:
        await ls.load_model(ls.requested_model)
        project.start_index(ls)
        await ls.adaptation.follow_settings()

    @server.feature(types.SHUTDOWN)
    async def on_shutdown(ls: InklingServer, params: None) -> None:
        await ls.adaptation.stop("the server is shutting down")  # no training child outlives the server

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: InklingServer, params: types.DidChangeConfigurationParams) -> None:
        ls.requested_model = ls.apply_settings(params.settings)
        project.start_index(ls)
        await ls.adaptation.follow_settings()
        if ls.requested_model != ls.engine.model_dir or not ls.engine.loaded:
            await ls.load_model(ls.requested_model)
        elif ls.status.state in ("ready", "disabled"):
            ls.set_status("ready" if ls.engine.settings.enabled else "disabled")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InklingServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = document_text(ls.workspace.get_text_document(uri)).source
        ls.adaptation.active()
        ls.engine.warm(uri, text)
        project.opened(ls, uri, text)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InklingServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.workspace.text_documents.get(params.text_document.uri)
        if document is not None:
            project.opened(ls, params.text_document.uri, document_text(document).source)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: InklingServer, params: types.DidChangeWatchedFilesParams) -> None:
        project.files_changed(ls, params.changes)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InklingServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.adaptation.active()

        def text() -> str | None:  # read when the model thread gets to it, so typing costs nothing here
            document = ls.workspace.text_documents.get(uri)
            return None if document is None else document_text(document).source

        ls.engine.changed(uri, text)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InklingServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.engine.forget(params.text_document.uri)
        project.closed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: InklingServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        uri = params.text_document.uri
        ls.adaptation.active()
        if (
            not ls.engine.settings.enabled
            or ls.status.state == "error"
            or uri not in ls.workspace.text_documents
        ):
            return None  # never opened: the server does not read files behind the editor's back
        text = document_text(ls.workspace.get_text_document(uri))
        request = text.request(params.position)
        suggestion = await ls.engine.complete(request)
        ls.set_status("ready", force=False)
        if suggestion is None:
            return None
        return types.InlineCompletionList(
            [inline_item(suggestion, params.position, request.suffix, text.eol)]
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["."], resolve_provider=False),
    )
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

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: InklingServer, params: types.HoverParams) -> types.Hover | None:
        """Over a function's name: a one-line summary generated from its body."""
        uri = params.text_document.uri
        ls.adaptation.active()
        if ls.status.state == "error" or uri not in ls.workspace.text_documents:
            return None
        text = document_text(ls.workspace.get_text_document(uri))
        summary = await ls.engine.summary(text.request(params.position, f"{uri}#hover"))
        return None if summary is None else hover_item(text, summary)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.Source, types.CodeActionKind.RefactorRewrite]
        ),
    )
    def code_action(ls: InklingServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """Offered, not computed: the command does the work once the user picks the action."""
        uri = params.text_document.uri
        if uri not in ls.workspace.text_documents:
            return None
        document = ls.workspace.get_text_document(uri)
        actions = [
            types.CodeAction(
                "Normalize style of the file",
                kind=types.CodeActionKind.Source,
                command=types.Command("Normalize style", NORMALIZE_STYLE, arguments=[uri]),
            )
        ]
        if params.range.start != params.range.end:
            actions.insert(
                0,
                types.CodeAction(
                    "Normalize style of the selection",
                    kind=types.CodeActionKind.RefactorRewrite,
                    command=types.Command(
                        "Normalize style", NORMALIZE_STYLE, arguments=[uri, range_to_json(params.range)]
                    ),
                ),
            )
        if len(document.source) > MAX_STYLE_CHARS:  # Normalize style would refuse: not offered
            actions = []
        actions.extend(generation_actions(document, params.range.start.line))
        only = [_kind(kind) for kind in params.context.only or []]
        return [a for a in actions if not only or any(_kind(a.kind).startswith(kind) for kind in only)]

    @server.command(NORMALIZE_STYLE)
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

    @server.command(GENERATE_CODE)
    async def generate_code_command(ls: InklingServer, *args: Any) -> dict[str, Any]:
        """Arguments: a document URI and a position on a comment line (the code it asks for) or on a `def`
        line whose body is empty, `...` or `pass` (the body)."""
        return await generate_code(ls, *args)

    @server.command(INSERT_DOCSTRING)
    async def insert_docstring_command(ls: InklingServer, *args: Any) -> dict[str, Any]:
        """Arguments: a document URI and a position on a function's `def` line."""
        return await insert_docstring(ls, *args)

    @server.command(GENERATE_TEST)
    async def generate_test_command(ls: InklingServer, *args: Any) -> dict[str, Any]:
        """Arguments: a document URI and a position on a function's `def` line."""
        return await generate_test(ls, *args)

    @server.command(TRAIN_WORKSPACE)
    async def train_on_workspace(ls: InklingServer, *args: Any) -> dict[str, Any]:
        """Arguments: a folder (absolute path or URI) inside the workspace and optionally minutes (default 5)."""
        folder, minutes = parse_arguments(args, ls.workspace)
        if ls.training:
            raise JsonRpcException("a workspace training is already running", REQUEST_FAILED)
        ls.training = True
        try:
            return await train_workspace(ls, folder, minutes)
        finally:
            ls.training = False

    @server.command(MODEL_INFO)
    async def model_info(ls: InklingServer, *args: Any) -> dict[str, Any]:
        def info() -> dict[str, Any]:
            checkpoint = ls.engine.runtime.checkpoint
            return {
                "name": checkpoint.path.name,
                "path": str(checkpoint.path),
                "parameters": checkpoint.num_parameters(),
                "config": checkpoint.config.to_dict(),
                "training": checkpoint.meta.get("training", {}),
                "lastLatencyMs": ls.engine.last_latency_ms,
                # the static analysis's cost so far (MemberAnalyzer.stats); its timings too with "analysisSamples"
                "analysis": ls.engine.analyzer.stats("analysisSamples" in args)
                if ls.engine.settings.constrain_members
                else None,
                "workspace": ls.engine.project.stats() if ls.engine.project is not None else None,
                # background adaptation (adaptToWorkspace): idle/running/adopted/rejected/failed/stopped
                "adaptation": ls.adaptation.to_json(),
            }

        return await ls.engine.call(info)

    return server
