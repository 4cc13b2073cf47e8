"""`inkling serve --tcp`: one client, the one that presents the token; nobody else gets in or reads its
answers, and the server leaves with its client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from tests.lsp.raw import frame
from tests.lsp.session import MODEL, run

from inkling.lsp.framing import FrameReader, Message, parse_json

TOKEN = "test-token-1f2e3d"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def started(address: str) -> Iterator[subprocess.Popen[bytes]]:
    """`inkling serve --tcp address` with the test's token, killed at the end whatever happened."""
    server = subprocess.Popen(
        [sys.executable, "-m", "inkling", "serve", "--model", str(MODEL), "--tcp", address],
        env={**os.environ, "INKLING_TCP_TOKEN": TOKEN},
        stderr=subprocess.PIPE,
    )
    try:
        yield server
    finally:
        server.kill()
        server.wait()


def connect(port: int) -> socket.socket:
    deadline = time.monotonic() + 30
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            assert time.monotonic() < deadline, "the server did not listen"
            time.sleep(0.1)


def initialize(token: str | None) -> bytes:
    options = {"token": token} if token else {}
    params = {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
    return frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})


def first_answer(sock: socket.socket) -> Any:
    """The first message the server sends back, or None when it closes the connection first."""
    frames = FrameReader(parse_json)
    while chunk := sock.recv(65536):
        for event in frames.feed(chunk):
            if isinstance(event, Message):
                return event.value
    return None


def test_a_client_without_the_token_is_refused_and_the_one_with_it_is_served_alone() -> None:
    port = free_port()
    with started(f"127.0.0.1:{port}") as server:
        for token in (None, "wrong"):
            with connect(port) as stranger:
                stranger.sendall(initialize(token))
                answer = first_answer(stranger)
                assert answer is not None and answer["error"]["code"] == -32600
                assert stranger.recv(100) == b""  # and the connection is closed

        async def session() -> None:
            client = LanguageClient("inkling-test", "0")
            await client.start_tcp("127.0.0.1", port)
            result = await client.initialize_async(
                types.InitializeParams(
                    process_id=None,
                    capabilities=types.ClientCapabilities(),
                    initialization_options={"token": TOKEN},
                )
            )
            assert result.capabilities.inline_completion_provider is not None
            try:  # while the client is in, nobody else can even connect
                with socket.create_connection(("127.0.0.1", port), timeout=5) as late:
                    late.sendall(initialize(TOKEN))
                    answer = first_answer(late)
                    assert answer is None or "error" in answer
            except OSError:
                pass
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()

        run(session(), timeout=60)
        assert server.wait(20) == 0  # the server leaves with its client


def test_a_client_that_disconnects_ends_the_server() -> None:
    port = free_port()
    with started(f"127.0.0.1:{port}") as server:
        with connect(port) as client:
            client.sendall(initialize(TOKEN))
            assert first_answer(client) is not None
        assert server.wait(20) == 1  # gone without shutdown


def test_listening_beyond_loopback_is_warned_about() -> None:
    port = free_port()
    with started(f"0.0.0.0:{port}") as server:
        connect(port).close()
        assert server.stderr is not None
        warned = b""
        while b"listening on" not in warned:
            warned += server.stderr.readline()
        assert b"not a loopback address" in warned
