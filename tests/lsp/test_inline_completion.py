"""The real server over stdio: it advertises inline completion and answers it from a trained model."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SOURCE = "import os\n\n\ndef size(path):\n    return os.path.\n"


async def _session(model: Path) -> tuple[types.InitializeResult, types.InlineCompletionList | None]:
    client = LanguageClient("inkling-test", "0")
    await client.start_io(sys.executable, "-m", "inkling", "serve", "--model", str(model))
    try:
        result = await client.initialize_async(
            types.InitializeParams(process_id=None, root_uri=None, capabilities=types.ClientCapabilities())
        )
        client.initialized(types.InitializedParams())
        uri = "file:///tmp/sample.py"
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, SOURCE))
        )
        answer = await client.text_document_inline_completion_async(
            types.InlineCompletionParams(
                context=types.InlineCompletionContext(types.InlineCompletionTriggerKind.Automatic),
                text_document=types.TextDocumentIdentifier(uri),
                position=types.Position(line=4, character=19),
            )
        )
        await client.shutdown_async(None)
        client.exit(None)
        return result, answer
    finally:
        await client.stop()


def test_inline_completion_over_stdio() -> None:
    model = Path(__file__).resolve().parents[2] / "server" / "inkling" / "assets" / "default"
    result, answer = asyncio.run(asyncio.wait_for(_session(model), timeout=120))
    assert result.capabilities.inline_completion_provider is not None
    assert answer is not None and answer.items
    item = answer.items[0]
    assert isinstance(item.insert_text, str) and item.insert_text.strip()
    assert "\n" not in item.insert_text  # line mode mid-line
    assert item.range == types.Range(types.Position(4, 19), types.Position(4, 19))
