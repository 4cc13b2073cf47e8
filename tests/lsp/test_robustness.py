"""Bad input gets an answer or a clear error, and the server stays up: huge files, broken code, bad params."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from lsprotocol import types
from tests.lsp.session import MODEL, run, serve

URI = "file:///tmp/robust.py"


def test_a_five_megabyte_file_is_answered() -> None:
    lines = [f"value_{i} = compute({i}, name='item {i}')" for i in range(130_000)]
    text = "\n".join(lines) + "\nresult = compute(\n"
    assert len(text) > 5_000_000

    async def session() -> None:
        async with serve() as client:
            client.open(URI, text)
            answer = await asyncio.wait_for(client.inline(URI, len(lines), 17), 30)
            assert answer is None or answer.items
            client.insert(URI, len(lines), 17, "1")
            await asyncio.wait_for(client.inline(URI, len(lines), 18), 30)
            client.open("file:///tmp/small.py", "import os\nos.pa\n")
            assert await client.inline_text("file:///tmp/small.py", 1, 5)

    run(session())


def test_a_file_full_of_syntax_errors_is_answered() -> None:
    broken = "def (:\n  return ]]\nclass\n\tx = = 1\n'''unterminated\nif x\n    print(x\n"

    async def session() -> None:
        async with serve() as client:
            client.open(URI, broken)
            for line, character in [(0, 4), (3, 5), (6, 11), (7, 0)]:
                await client.inline(URI, line, character)
            assert (
                await client.text_document_completion_async(
                    types.CompletionParams(types.TextDocumentIdentifier(URI), types.Position(6, 11))
                )
                is not None
            )

    run(session())


async def _raw_session(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send JSON-RPC messages as bytes (a client library would refuse to send malformed ones) and collect
    the responses to every message that has an id."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "inkling",
        "serve",
        "--model",
        str(MODEL),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await process.stdin.drain()
    wanted = {m["id"] for m in messages if "id" in m}
    responses: list[dict[str, Any]] = []
    while wanted - {r.get("id") for r in responses}:
        header = await process.stdout.readuntil(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        message = json.loads(await process.stdout.readexactly(length))
        if "id" in message and "method" not in message:
            responses.append(message)
    process.kill()
    await process.wait()
    return responses


def test_malformed_parameters_get_a_json_rpc_error_and_the_server_stays_up() -> None:
    opened = {
        "textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "import os\nos.pa\n"}
    }
    good = {
        "textDocument": {"uri": URI},
        "position": {"line": 1, "character": 5},
        "context": {"triggerKind": 2},
    }
    messages: list[dict[str, Any]] = [
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"method": "textDocument/didOpen", "params": opened},
        {"id": 2, "method": "textDocument/inlineCompletion", "params": {"textDocument": 7}},
        {"id": 3, "method": "textDocument/inlineCompletion", "params": {**good, "position": {"line": "x"}}},
        {"id": 4, "method": "textDocument/completion", "params": None},
        {"id": 5, "method": "inkling/noSuchMethod", "params": {}},
        {
            "id": 6,
            "method": "textDocument/inlineCompletion",
            "params": {**good, "position": {"line": 99, "character": 99}},
        },
        {"id": 7, "method": "textDocument/inlineCompletion", "params": good},
    ]
    responses = {r["id"]: r for r in run(_raw_session(messages), timeout=60)}
    for bad in (2, 3, 4, 5):
        assert "error" in responses[bad] and responses[bad]["error"]["code"] < 0, responses[bad]
    assert "error" not in responses[6]  # a position past the end is clamped, not an error
    assert responses[7]["result"]["items"][0]["insertText"].strip()  # and the server still answers
