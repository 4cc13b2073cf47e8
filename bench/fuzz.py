"""Fuzz `inkling serve` over stdio with seeded hostile input, framed and unframed, and print what it survived.

Batches of messages (bad frames, garbage bytes, requests with wrong or absurd parameters, odd ids, documents
with surrogates or NUL bytes, cancellations), each followed by a health check: a normal inline completion
must still be answered correctly. Every request sent in a well-formed frame must be answered exactly once.

    .venv/bin/python -m bench.fuzz --messages 10000 --seed 0 [--json out.json]

Exit status 1 when the server crashed, went deaf, left a request unanswered or answered one twice."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from tests.lsp.raw import RawServer, frame

METHODS = [
    "textDocument/inlineCompletion",
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/codeAction",
    "workspace/executeCommand",
    "inkling/noSuchMethod",
    "textDocument/definition",
    "completionItem/resolve",
]
NOTIFICATIONS = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/didChangeConfiguration",
    "$/cancelRequest",
    "$/setTrace",
    "inkling/noSuchNotification",
]
COMMANDS = [
    "inkling.normalizeStyle",
    "inkling.generateCode",
    "inkling.insertDocstring",
    "inkling.generateTest",
    "inkling.modelInfo",
    "inkling.noSuchCommand",
]
TEXTS = [
    "import os\nos.pa",
    "def f(x):\n    return x.",
    "s = '\ud800'\nimport os\nos.",
    "x = 1\r\ny = x +\r\n",
    "\x00\x01\x02 binary \x00",
    "class A:\n    def m(self):\n        self.",
    "é = 'ünïcødé 🐍'\nprint(é",
    "def (:\n  return ]]\n",
    "# a comment asking for code\n",
]


class Fuzzer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.next_id = 0
        self.uris = [f"file:///tmp/fuzz_{i}.py" for i in range(5)]

    def value(self, depth: int = 0) -> Any:
        """A random JSON value: what a confused or hostile client might put anywhere."""
        kinds = (
            ["int", "float", "str", "bool", "null", "list", "dict"] if depth < 4 else ["int", "str", "null"]
        )
        kind = self.rng.choice(kinds)
        if kind == "int":
            return self.rng.choice([0, -1, 1, 2**31, -(2**63), 10**30, self.rng.randint(-5, 500)])
        if kind == "float":
            return self.rng.choice([0.5, -1e308, 1e308, 3.0])
        if kind == "str":
            return self.rng.choice(["", "x", "\ud800", "file:///etc/passwd", "a" * 10_000, "é🐍", "../../.."])
        if kind == "bool":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        if kind == "list":
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.rng.choice(["uri", "line", "character", "x", "textDocument"]): self.value(depth + 1)}

    def position(self) -> Any:
        if self.rng.random() < 0.7:
            return {"line": self.rng.randint(0, 5), "character": self.rng.randint(0, 40)}
        return self.value()

    def params(self, method: str) -> Any:
        if self.rng.random() < 0.2:
            return self.value()
        document = {"uri": self.rng.choice([*self.uris, "file:///never/opened.py"])}
        if method == "workspace/executeCommand":
            arguments = (
                [self.rng.choice(self.uris), self.position()] if self.rng.random() < 0.6 else self.value()
            )
            return {"command": self.rng.choice(COMMANDS), "arguments": arguments}
        if method == "textDocument/codeAction":
            start = self.position()
            return {
                "textDocument": document,
                "range": {"start": start, "end": start},
                "context": {"diagnostics": []},
            }
        return {"textDocument": document, "position": self.position(), "context": {"triggerKind": 2}}

    def notification(self) -> dict[str, Any]:
        method = self.rng.choice(NOTIFICATIONS)
        uri = self.rng.choice(self.uris)
        text = self.rng.choice(TEXTS)
        params: Any
        if method == "textDocument/didOpen":
            params = {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
        elif method == "textDocument/didChange":
            change: Any = {"text": text}
            if self.rng.random() < 0.5:
                change = {"range": {"start": self.position(), "end": self.position()}, "text": text}
            params = {
                "textDocument": {"uri": uri, "version": self.rng.randint(-1, 99)},
                "contentChanges": [change],
            }
        elif method == "$/cancelRequest":
            params = {"id": self.rng.randint(0, self.next_id + 1)}
        elif method == "workspace/didChangeConfiguration":
            params = {
                "settings": {
                    "inkling": {self.rng.choice(["maxTokens", "beamWidth", "enabled"]): self.value()}
                }
            }
        else:
            params = self.value()
        if self.rng.random() < 0.1:
            params = self.value()
        return {"jsonrpc": "2.0", "method": method, "params": params}

    def request(self) -> tuple[dict[str, Any], Any]:
        self.next_id += 1
        msg_id: Any = self.next_id if self.rng.random() < 0.8 else f"fuzz-{self.next_id}"
        method = self.rng.choice(METHODS)
        return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": self.params(method)}, msg_id

    def unframed(self) -> bytes:
        """Bytes that are not one well-formed frame."""
        body = json.dumps(self.request()[0]).encode()
        choice = self.rng.randrange(9)
        if choice == 0:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 300)))
        if choice == 1:
            return b"Content-Length: %d\r\n\r\n" % (len(body) + self.rng.randint(-20, 20)) + body
        if choice == 2:
            return b"Content-Length: %s\r\n\r\n" % self.rng.choice(
                [b"-1", b"x", b"1e9", b"", b"99999999999999999999"]
            )
        if choice == 3:
            return frame(body[: self.rng.randint(0, len(body))])
        if choice == 4:
            return b"\x00" * self.rng.randint(1, 100)
        if choice == 5:
            return frame(b"[" * self.rng.choice([1000, 50_000]))
        if choice == 6:
            return frame(json.dumps(self.value()).encode())  # JSON, but not a JSON-RPC message
        if choice == 7:
            return b"Content-Length: 50000000000\r\n\r\n"
        return frame(b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}')


def run(messages: int, seed: int, batch: int = 25) -> dict[str, Any]:
    fuzzer = Fuzzer(seed)
    server = RawServer()
    server.start()
    expected: list[Any] = []  # ids of requests sent in well-formed frames
    deaf = sent = 0
    started = time.perf_counter()
    while sent < messages and server.process.poll() is None:
        for _ in range(min(batch, messages - sent)):
            sent += 1
            roll = fuzzer.rng.random()
            if roll < 0.35:
                message, msg_id = fuzzer.request()
                server.send(message)
                expected.append(msg_id)
            elif roll < 0.7:
                server.send(fuzzer.notification())
            else:
                server.send_raw(fuzzer.unframed())
        server.notify("workspace/didChangeConfiguration", {"settings": {"inkling": {}}})  # back to defaults
        if not server.healthy(timeout=60):
            deaf += 1
            if server.process.poll() is None:
                continue
            break
    crashed = server.process.poll() is not None
    for msg_id in expected:  # whatever is still running gets its time
        server.wait(msg_id, timeout=30)
    unanswered = [i for i in expected if i not in server.answers]
    twice = [i for i in expected if len(server.answers.get(i, [])) > 1]
    tracebacks = sum("data" in m.get("error", {}) for answers in server.answers.values() for m in answers)
    seconds = time.perf_counter() - started
    code = None if crashed else server.stop()
    return {
        "messages": sent,
        "seed": seed,
        "requests_tracked": len(expected),
        "crashed": crashed,
        "deaf_health_checks": deaf,
        "unanswered": len(unanswered),
        "answered_twice": len(twice),
        "tracebacks_sent": tracebacks,
        "stdout_garbage_lines": len(server.garbage),
        "exit_status": code,
        "seconds": round(seconds, 1),
        "examples_unanswered": unanswered[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    figures = run(args.messages, args.seed)
    for name, value in figures.items():
        print(f"{name:24} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    bad = (
        figures["crashed"]
        or figures["deaf_health_checks"]
        or figures["unanswered"]
        or figures["answered_twice"]
    )
    return 1 if bad or figures["tracebacks_sent"] or figures["stdout_garbage_lines"] else 0


if __name__ == "__main__":
    sys.exit(main())
