"""A client that breaks the protocol gets the answer LSP asks for, and the session goes on: bad frames, huge
lengths, deep JSON, requests before `initialize` or after `shutdown`, `exit` without `shutdown`."""

from __future__ import annotations

import json

import pytest
from tests.lsp.raw import RawServer, frame

HOVER = {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}
BODY = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": HOVER}).encode()


@pytest.fixture(scope="module")
def server() -> RawServer:
    started = RawServer()
    started.start()
    yield started
    started.stop()


@pytest.mark.parametrize(
    "bad",
    [
        b"Content-Length: 50000000000\r\n\r\n{}",
        b"Content-Length: 99999999999999999999\r\n\r\n{}",
        b"Content-Length: %d\r\n\r\n" % (len(BODY) - 10) + BODY,
        b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10) + BODY,
        b"Content-Length: 0\r\n\r\n" + BODY,
        b"Content-Length: -5\r\n\r\n" + BODY,
        b"Content-Length: many\r\n\r\n" + BODY,
        b"content-length: %d\r\n\r\n" % len(BODY) + BODY,
        b"Content-Length: %d\n\n" % len(BODY) + BODY,
        b"\x00" * 64 + b"\r\n\r\n" + BODY,
        BODY,
    ],
    ids=[
        "50 GB",
        "20 digits",
        "short",
        "long",
        "zero",
        "negative",
        "word",
        "lower-case",
        "LF",
        "NUL",
        "bare",
    ],
)
def test_after_a_bad_frame_the_server_answers_the_next_request(server: RawServer, bad: bytes) -> None:
    server.send_raw(bad)
    assert server.healthy(), server.stderr.decode(errors="replace")[-2000:]
    assert server.process.poll() is None
    assert not server.garbage  # stdout carried protocol only


def test_deeply_nested_json_is_answered_with_a_parse_error(server: RawServer) -> None:
    server.send_raw(frame(b'{"jsonrpc": "2.0", "id": 99, "params": ' + b"[" * 1000 + b"]" * 1000 + b"}"))
    server.send_raw(frame(b"[" * 100_000))
    assert server.healthy()
    errors = [answer["error"] for answer in server.answers.get(None, [])]
    assert len(errors) >= 2 and {e["code"] for e in errors} == {-32700}, errors


def test_a_message_over_the_size_limit_is_skipped_and_logged() -> None:
    server = RawServer("--max-message-mb", "0.5")
    try:
        server.start()
        big = {"uri": "file:///big.py", "languageId": "python", "version": 1, "text": "x = 1\n" * 200_000}
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": big}})
        assert server.healthy()
        assert b"over the limit" in server.stderr
    finally:
        server.stop()


def test_requests_before_initialize_get_server_not_initialized() -> None:
    server = RawServer()
    try:
        early = server.call("textDocument/hover", HOVER)
        assert early is not None and early["error"]["code"] == -32002
        server.start()
        assert server.healthy()
    finally:
        assert server.stop() == 0


def test_requests_after_shutdown_get_invalid_request_and_exit_says_whether_shutdown_came() -> None:
    server = RawServer()
    server.start()
    assert server.call("shutdown") == {"jsonrpc": "2.0", "id": server.next_id, "result": None}
    late = server.call("textDocument/hover", HOVER, timeout=10)
    assert late is not None and late["error"]["code"] == -32600
    server.notify("exit")
    assert server.process.wait(10) == 0

    rude = RawServer()
    rude.start()
    rude.notify("exit")  # without shutdown
    assert rude.process.wait(10) == 1


def test_a_command_with_bad_arguments_gets_invalid_params_and_one_log_line(server: RawServer) -> None:
    before = len(server.stderr)
    for arguments in ([42], ["file:///nowhere.py", {"line": "three"}]):
        answer = server.call("workspace/executeCommand", {"command": "inkling.generateCode", "arguments": arguments})
        assert answer is not None and answer["error"]["code"] == -32602, answer
    assert server.healthy()
    logged = server.stderr[before:].decode(errors="replace")
    assert "Traceback" not in logged, logged
    assert logged.count("invalid params") == 2, logged
