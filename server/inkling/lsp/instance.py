"""InklingServer: the pygls server that owns the engine, the settings, the model loading and the status."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from inkling import __version__
from inkling.completion.engine import Engine
from inkling.lsp.convert import Text, document_text
from inkling.lsp.protocol import STATUS, InklingProtocol, State, Status
from inkling.settings import parse_settings

log = logging.getLogger("inkling.server")
STATUS_INTERVAL_S = 1.0  # latency updates reach the status bar at most this often


class Background(Protocol):
    """What the server and its handlers ask of the background adaptation (lsp/adapt.py's Adaptation)."""

    def active(self) -> None: ...

    async def follow_settings(self) -> None: ...

    async def stop(self, reason: str) -> None: ...

    def kill(self) -> None: ...

    def to_json(self) -> dict[str, Any]: ...


class InklingServer(LanguageServer):
    """A pygls server that owns the engine and tells the client how it is doing; `adaptation` builds the
    setting adaptToWorkspace's background run for it (lsp/adapt.py's Adaptation, given by build_server)."""

    def __init__(self, model_dir: Path, adaptation: Callable[[InklingServer], Background]) -> None:
        super().__init__("inkling", __version__, protocol_cls=InklingProtocol)
        self.default_model = model_dir
        self.engine = Engine(model_dir)
        self.requested_model = model_dir
        self.status = Status("loading")
        self.training = False  # one workspace training at a time
        self.adaptation = adaptation(self)  # the setting adaptToWorkspace's background run
        self._status_sent = 0.0

    def shutdown(self) -> None:
        """Stop the engine's helper process and an adaptation's child, then what pygls stops."""
        self.adaptation.kill()
        self.engine.close()
        super().shutdown()  # type: ignore[no-untyped-call]

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls's report of a failed handler; invalid params are logged once already (protocol.py)."""
        if not isinstance(error, JsonRpcInvalidParams):
            super().report_server_error(error, source)

    def serving_text(self, uri: str) -> Text | None:
        """The open document a model request (inline, list, hover) reads, noting the user is active; None
        while the model is broken or when the client never opened it (no file is read behind its back)."""
        self.adaptation.active()
        if self.status.state == "error" or uri not in self.workspace.text_documents:
            return None
        return document_text(self.workspace.get_text_document(uri))

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
