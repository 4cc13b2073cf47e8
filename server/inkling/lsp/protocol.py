"""The wire: Inkling's status notification for a status bar, and the answers LSP asks for to requests that
cannot be served: malformed, before `initialize`, after `shutdown`, or failing inside (no traceback sent)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any, Literal

from lsprotocol.types import EXIT, INITIALIZE, ResponseError
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("inkling.server")

STATUS = "inkling/status"


class OneLineInvalidParams(logging.Filter):
    """pygls logs a request that failed with invalid params (-32602) with its traceback: for a client's
    mistake one warning line says it (pygls's own error report of it is dropped, as it repeats the line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, JsonRpcInvalidParams):
            record.msg, record.args = "invalid params: %s", (error.message,)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("pygls.protocol.json_rpc").addFilter(OneLineInvalidParams())
State = Literal["loading", "ready", "busy", "error", "disabled"]


@dataclass(frozen=True)
class Status:
    state: State
    model: str = ""
    latency_ms: float | None = None  # the last completion's time on the model thread
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "state": data["state"],
            "model": data["model"],
            "latencyMs": data["latency_ms"],
            "message": data["message"],
        }


class _Answered:
    """Stands in for a request that was already answered with an error."""

    jsonrpc = "answered"


class InklingProtocol(LanguageServerProtocol):
    """pygls's protocol, except that
    - a request whose parameters do not fit the LSP types gets "invalid params" (pygls 2.1 reports those to
      the user and leaves the request unanswered);
    - a request before `initialize` gets "server not initialized" (-32002) and a notification is dropped;
    - a request after `shutdown` gets "invalid request" (pygls leaves it unanswered);
    - an internal error is answered without the server's traceback (it goes to the log only)."""

    initialize_seen = False

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" not in data or "method" not in data:
                raise
            log.warning("%s: malformed %s request %r", exc.message, data["method"], data["id"])
            self._send_response(data["id"], error=exc.to_response_error())
            return _Answered()

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Answered):
            return
        method = getattr(message, "method", None)
        request = method is not None and hasattr(message, "id")
        if method == INITIALIZE:
            self.initialize_seen = True
        elif not self.initialize_seen and method != EXIT:
            if request:
                early = JsonRpcServerNotInitialized(f"{method} before initialize")
                self._send_response(message.id, error=early.to_response_error())
            return
        if request and self._shutdown and method != EXIT:
            late = JsonRpcInvalidRequest(f"{method} after shutdown: the server is shutting down")
            self._send_response(message.id, error=late.to_response_error())
            return
        super().handle_message(message)

    def _send_response(self, msg_id: Any, result: Any = None, error: ResponseError | None = None) -> None:
        if error is not None and error.code == JsonRpcInternalError.CODE and error.data is not None:
            error = ResponseError(error.code, error.message)  # the traceback stays in the server's log
        super()._send_response(msg_id, result, error)

    def send_error(self, msg_id: Any, error: JsonRpcException) -> None:
        """An error answer for a message that is not a request pygls knows (its id may be null)."""
        response = {"code": error.code, "message": error.message}
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": response})
