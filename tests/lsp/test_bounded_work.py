"""Work per request is bounded: a hover on a huge one-line file answers at once (null) and does not hold up
completions; a lone surrogate in a document does not fail requests on it; bad command arguments are
invalid params (-32602), not internal errors."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from tests.lsp.session import Client, run, serve

HUGE = "file:///tmp/bounded_huge.py"
OTHER = "file:///tmp/bounded_other.py"
OTHER_SOURCE = "import os\n\n\ndef size(path):\n    return os.path.\n"


def _hover(client: Client, uri: str, line: int, character: int) -> asyncio.Future[types.Hover | None]:
    params = types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
    return client.text_document_hover_async(params)  # type: ignore[return-value]


def test_hover_on_a_huge_one_line_file_answers_at_once_and_completions_do_not_wait() -> None:
    huge = "x = [" + "1, " * 1_000_000 + "]\n\ndef f(a):\n    return a\n"  # 3 MB

    async def session() -> None:
        async with serve() as client:
            client.open(OTHER, OTHER_SOURCE)
            assert await client.inline_text(OTHER, 4, 19)  # the model is warm
            client.open(HUGE, huge)
            start = time.monotonic()
            hover = asyncio.ensure_future(_hover(client, HUGE, 2, 5))
            await asyncio.sleep(0.05)
            inline = await client.inline_text(OTHER, 4, 19)
            inline_s = time.monotonic() - start
            assert await hover is None
            assert inline and inline_s < 3, inline_s
            hover_s = time.monotonic() - start
            assert hover_s < 3, hover_s

    run(session(), timeout=60)


def test_a_lone_surrogate_does_not_fail_requests() -> None:
    uri = "file:///tmp/bounded_surrogate.py"

    async def session() -> None:
        async with serve() as client:
            client.versions[uri] = 1
            opened = json.loads('"s = \'\\ud800\'\\nimport os\\nos.pa"')  # as a JSON client sends it
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, opened))
            )
            answer = await client.inline(uri, 2, 5)
            assert answer is None or isinstance(answer, types.InlineCompletionList)
            listed = await client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(2, 5))
            )
            assert isinstance(listed, types.CompletionList) and listed.items
            assert await _hover(client, uri, 0, 1) is None

    run(session())


def test_bad_command_arguments_are_invalid_params() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(OTHER, OTHER_SOURCE)
            for command, arguments in (
                ("inkling.generateCode", [OTHER]),
                ("inkling.generateCode", ["file:///never/opened.py", {"line": 0, "character": 0}]),
                ("inkling.insertDocstring", [OTHER, {"line": -1, "character": 0}]),
                ("inkling.normalizeStyle", []),
                ("inkling.normalizeStyle", ["file:///never/opened.py"]),
                ("inkling.normalizeStyle", [OTHER, {"start": 3}]),
            ):
                with pytest.raises(JsonRpcInvalidParams):
                    await client.workspace_execute_command_async(types.ExecuteCommandParams(command, arguments))

    run(session())
