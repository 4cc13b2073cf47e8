"""The wire: Inkling's status notification for a status bar, and answers to malformed requests."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("inkling.server")

STATUS = "inkling/status"
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
    """pygls's protocol, except that a request whose parameters do not fit the LSP types gets a JSON-RPC
    "invalid params" error (pygls 2.1 reports those to the user and leaves the request unanswered)."""

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
        if not isinstance(message, _Answered):
            super().handle_message(message)
