"""The server's connection to its one client: stdio, or a TCP socket that takes one client presenting the
token and exits when it leaves; frames are read by framing.FrameReader, so no bytes can kill or deafen it."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO, cast

from pygls.exceptions import JsonRpcInvalidRequest, JsonRpcParseError
from pygls.io_ import StdoutWriter

from inkling.lsp.framing import DEFAULT_MAX_MESSAGE_BYTES, Event, FrameReader, Message, ParseError, parse_json
from inkling.lsp.instance import InklingServer
from inkling.lsp.protocol import InklingProtocol

log = logging.getLogger("inkling.server")
CHUNK = 1 << 16
IDLE_S = 1.0  # after this long without bytes, a frame that claimed too many is looked at again
AUTH_TIMEOUT_S = 10.0  # a TCP connection must send its initialize (with the token) within this
TOKEN_ENV = "INKLING_TCP_TOKEN"


class Session:
    """Reads one connection's frames and hands the messages to the protocol; ends at EOF or `exit`."""

    def __init__(self, server: InklingServer, max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> None:
        self.protocol = cast(InklingProtocol, server.protocol)
        self.frames = FrameReader(parse_json, max_message_bytes)
        self.exit_code: int | None = None

    async def pump(self, read: Callable[[], Awaitable[bytes]]) -> int:
        """Until EOF or `exit`: the exit status LSP asks for (0 after shutdown, 1 otherwise)."""
        pending: asyncio.Future[bytes] | None = None
        while self.exit_code is None:
            if pending is None:
                pending = asyncio.ensure_future(read())
            done, _ = await asyncio.wait({pending}, timeout=IDLE_S)
            if not done:
                self.dispatch(self.frames.idle())
                continue
            data = pending.result()
            pending = None
            if not data:
                break
            self.dispatch(self.frames.feed(data))
        if pending is not None:
            pending.cancel()
        if self.exit_code is None:
            self.exit_code = 0 if self.protocol._shutdown else 1
        return self.exit_code

    def dispatch(self, events: list[Event]) -> None:
        for event in events:
            if self.exit_code is not None:
                return
            if isinstance(event, Message):
                self.handle(event.value)
            elif isinstance(event, ParseError):
                log.warning("parse error: %s", event.reason)
                self.protocol.send_error(None, JsonRpcParseError(f"Parse error: {event.reason}"))
            else:
                log.warning("bad frame: %s", event.reason)

    def handle(self, value: Any) -> None:
        if not isinstance(value, dict) or value.get("jsonrpc") != "2.0":
            msg_id = value.get("id") if isinstance(value, dict) else None
            log.warning("not a JSON-RPC 2.0 message: %.80r", value)
            self.protocol.send_error(msg_id, JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
            return
        try:
            self.protocol.handle_message(self.protocol.structure_message(value))
        except SystemExit as exc:  # the `exit` notification
            self.exit_code = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # a message that fails to be handled loses itself, never the session
            log.exception("cannot handle %.80r", value)


def serve_stdio(server: InklingServer, stdin: BinaryIO, stdout: BinaryIO, max_message_bytes: int) -> int:
    """Serve on the process's stdin/stdout; the exit status."""
    server.protocol.set_writer(StdoutWriter(stdout))
    session = Session(server, max_message_bytes)

    async def main() -> int:
        return await session.pump(_thread_reader(stdin.fileno()))

    try:
        return asyncio.run(main())
    except BrokenPipeError:
        log.error("the client closed the connection")
        return 1
    finally:
        server.shutdown()


def _thread_reader(fd: int) -> Callable[[], Awaitable[bytes]]:
    """Chunks of fd from a daemon thread (a blocked read must not keep the process alive after `exit`),
    at most a few chunks ahead of the reader."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=4)

    def read_forever() -> None:
        while True:
            try:
                data = os.read(fd, CHUNK)
            except OSError:
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
            except RuntimeError:  # the loop is gone: the server is exiting
                return
            if not data:
                return

    threading.Thread(target=read_forever, name="inkling-stdin", daemon=True).start()
    return chunks.get


def serve_tcp(server: InklingServer, host: str, port: int, token: str, max_message_bytes: int) -> int:
    """Listen on host:port for one client whose `initialize` carries initializationOptions.token; stop
    listening once it is in, and exit when it leaves. Connections without the token are answered and closed."""
    if not _is_loopback(host):
        log.warning(
            "listening on %s, not a loopback address: other machines can reach this server (the token is "
            "its only protection, and the connection is not encrypted)",
            host,
        )

    async def main() -> int:
        gate = _OneClient(server, token, max_message_bytes)
        gate.listener = await asyncio.start_server(gate.connection, host, port)
        addresses = ", ".join(str(sock.getsockname()) for sock in gate.listener.sockets)
        log.info("listening on %s for one client with the token", addresses)
        return await gate.done

    try:
        return asyncio.run(main())
    finally:
        server.shutdown()


class _OneClient:
    """Lets in the first connection that presents the token, then stops listening."""

    def __init__(self, server: InklingServer, token: str, max_message_bytes: int) -> None:
        self.server, self.token, self.max_message_bytes = server, token, max_message_bytes
        self.listener: asyncio.Server | None = None
        self.taken = False
        self.done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        session = Session(self.server, self.max_message_bytes)
        try:
            first = await asyncio.wait_for(_first_message(session.frames, reader), AUTH_TIMEOUT_S)
        except (TimeoutError, ConnectionError):
            first = None
        if self.taken or not _authenticated(first, self.token):
            log.warning("refused a connection from %s: no initialize with the right token", peer)
            if isinstance(first, dict) and "id" in first:
                writer.write(
                    _error_frame(first["id"], "refused: initializationOptions.token is missing or wrong")
                )
            writer.close()
            return
        self.taken = True
        if self.listener is not None:
            self.listener.close()
        log.info("client %s connected", peer)
        self.server.protocol.set_writer(writer)
        session.handle(first)
        code = await session.pump(lambda: reader.read(CHUNK))
        writer.close()
        if not self.done.done():
            self.done.set_result(code)


async def _first_message(frames: FrameReader, reader: asyncio.StreamReader) -> Any:
    """The connection's first message, or None when it closes or sends only garbage."""
    while True:
        data = await reader.read(CHUNK)
        if not data:
            return None
        for event in frames.feed(data):
            if isinstance(event, Message):
                return event.value
            if isinstance(event, ParseError):
                return None


def _authenticated(message: Any, token: str) -> bool:
    """Is this an initialize request carrying the token? The token is taken out of the options."""
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return False
    params = message.get("params")
    options = params.get("initializationOptions") if isinstance(params, dict) else None
    if not isinstance(options, dict) or not isinstance(options.get("token"), str):
        return False
    given = options.pop("token")
    return hmac.compare_digest(given.encode(), token.encode())


def _error_frame(msg_id: Any, message: str) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32600, "message": message}})
    return b"Content-Length: %d\r\n\r\n" % len(body) + body.encode()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
