"""A raw JSON-RPC client for `inkling serve` over stdio: sends any bytes (a client library would refuse to send
malformed ones) and parses every byte the server writes, so a test sees exactly what a hostile client would."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.lsp.session import MODEL

HEALTH_URI = "file:///tmp/inkling_health.py"
HEALTH_TEXT = "import os\nos.pa\n"


def frame(message: dict[str, Any] | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """A started `inkling serve`; `answers` maps an id to every response that carried it (None for id null)."""

    def __init__(self, *args: str, model: Path = MODEL, cwd: Path | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inkling", "serve", "--model", str(model), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.answers: dict[Any, list[dict[str, Any]]] = {}
        self.notes: list[dict[str, Any]] = []
        self.garbage: list[bytes] = []  # anything on stdout that is not a well-formed frame
        self.changed = threading.Condition()
        self.next_id = 1_000_000
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr += line

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while line := out.readline():
            if not line.startswith(b"Content-Length: "):
                self.garbage.append(line)
                continue
            length = int(line.split(b":")[1])
            while (header := out.readline()) not in (b"\r\n", b""):
                if not header.startswith(b"Content-Type: "):
                    self.garbage.append(header)
            message = json.loads(out.read(length))
            with self.changed:
                if "id" in message and "method" not in message:
                    self.answers.setdefault(message["id"], []).append(message)
                elif "id" in message:  # a request from the server: answer it as an editor would
                    result = {"applied": True} if message["method"] == "workspace/applyEdit" else None
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                else:
                    self.notes.append(message)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def send_raw(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(frame(message))

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any = None) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, msg_id: Any, timeout: float = 30) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while msg_id not in self.answers:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    return None
                self.changed.wait(min(left, 0.2))
            return self.answers[msg_id][0]

    def call(self, method: str, params: Any = None, timeout: float = 30) -> dict[str, Any] | None:
        return self.wait(self.request(method, params), timeout)

    def start(self, options: dict[str, Any] | None = None) -> None:
        """initialize, initialized, and wait until the model is ready."""
        params = {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
        assert self.call("initialize", params, 60) is not None
        self.notify("initialized", {})
        deadline = time.monotonic() + 60
        while not any(
            n["method"] == "inkling/status" and n["params"]["state"] == "ready" for n in self.notes
        ):
            assert time.monotonic() < deadline, "the model did not load"
            time.sleep(0.05)

    def open(self, uri: str, text: str, version: int = 1) -> None:
        document = {"uri": uri, "languageId": "python", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def inline(self, uri: str, line: int, character: int) -> int:
        position = {"line": line, "character": character}
        params = {"textDocument": {"uri": uri}, "position": position, "context": {"triggerKind": 2}}
        return self.request("textDocument/inlineCompletion", params)

    def healthy(self, timeout: float = 30) -> bool:
        """A normal request is still answered, and correctly: `os.pa` → `th…`."""
        self.open(HEALTH_URI, HEALTH_TEXT)
        answer = self.wait(self.inline(HEALTH_URI, 1, 5), timeout)
        try:
            return bool(answer and answer["result"]["items"][0]["insertText"].startswith("th"))
        except (KeyError, IndexError, TypeError):
            return False

    def stop(self) -> int:
        if self.process.poll() is None:
            self.wait(self.request("shutdown"), 10)
            self.notify("exit")
        try:
            return self.process.wait(10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
