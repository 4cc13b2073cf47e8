"""The real server over stdio: it advertises inline completion and answers it from a trained model."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SOURCE = "import os\n\n\ndef size(path):\n    return os.path.\n"


MODEL = Path(__file__).resolve().parents[2] / "server" / "inkling" / "assets" / "default"
URI = "file:///tmp/sample.py"


def _params(line: int = 4, character: int = 19) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(types.InlineCompletionTriggerKind.Automatic),
        text_document=types.TextDocumentIdentifier(URI),
        position=types.Position(line=line, character=character),
    )


async def _start() -> tuple[LanguageClient, types.InitializeResult]:
    client = LanguageClient("inkling-test", "0")
    await client.start_io(sys.executable, "-m", "inkling", "serve", "--model", str(MODEL))
    result = await client.initialize_async(
        types.InitializeParams(process_id=None, root_uri=None, capabilities=types.ClientCapabilities())
    )
    client.initialized(types.InitializedParams())
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(URI, "python", 1, SOURCE))
    )
    return client, result


async def _stop(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


async def _session() -> tuple[types.InitializeResult, types.InlineCompletionList | None]:
    client, result = await _start()
    try:
        unknown = _params()
        unknown.text_document = types.TextDocumentIdentifier("file:///never/opened.py")
        assert await client.text_document_inline_completion_async(unknown) is None
        return result, await client.text_document_inline_completion_async(_params())
    finally:
        await _stop(client)


async def _storm() -> tuple[list[object], types.InlineCompletionList | None]:
    """50 requests as fast as a typist's editor sends them, all but the last cancelled."""
    client, _ = await _start()
    try:
        futures = [
            asyncio.wrap_future(
                client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, _params(), msg_id=i)
            )
            for i in range(50)
        ]
        for i in range(49):
            client.cancel_request(types.CancelParams(id=i))
        outcomes = await asyncio.gather(*futures, return_exceptions=True)
        after = await client.text_document_inline_completion_async(_params())
        return outcomes, after
    finally:
        await _stop(client)


def test_cancellation_storm_answers_the_last_and_stays_up() -> None:
    outcomes, after = asyncio.run(asyncio.wait_for(_storm(), timeout=120))
    last = outcomes[-1]
    assert isinstance(last, types.InlineCompletionList) and last.items
    # The superseded requests came back empty or cancelled instead of each running the model to the end.
    assert all(o is None or isinstance(o, Exception) for o in outcomes[:-1])
    assert after is not None and after.items


def test_inline_completion_over_stdio() -> None:
    result, answer = asyncio.run(asyncio.wait_for(_session(), timeout=120))
    assert result.capabilities.inline_completion_provider is not None
    assert answer is not None and answer.items
    item = answer.items[0]
    assert isinstance(item.insert_text, str) and item.insert_text.strip()
    assert "\n" not in item.insert_text  # line mode mid-line
    assert item.range == types.Range(types.Position(4, 19), types.Position(4, 19))
