"""textDocument/completion: model-ranked words first, the document's names, and one whole-line item."""

from __future__ import annotations

from lsprotocol import types
from tests.lsp.session import run, serve

URI = "file:///tmp/list.py"
SOURCE = "import os\n\n\ndef total_size(paths):\n    total_bytes = 0\n    for path in paths:\n        total_bytes += os.path.exi\n"


def test_completion_list_ranks_model_words_then_names() -> None:
    async def session() -> types.CompletionList:
        async with serve() as client:
            client.open(URI, SOURCE)
            answer = await client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(URI), types.Position(6, 34))
            )
            assert isinstance(answer, types.CompletionList)
            return answer

    answer = run(session())
    labels = [item.label for item in sorted(answer.items, key=lambda item: item.sort_text or "")]
    assert labels[0] == "exists"  # the model's first choice
    assert all(label.startswith("exi") for label in labels)
    model_items = [item for item in answer.items if (item.data or {}).get("source") == "model"]
    assert model_items and all(item.text_edit is not None for item in model_items)
    edit = model_items[0].text_edit
    assert isinstance(edit, types.TextEdit) and edit.range.start.character == 31  # replaces "exi"
    probabilities = [item.data["probability"] for item in model_items]
    assert probabilities == sorted(probabilities, reverse=True)
    assert any((item.data or {}).get("source") == "line" for item in answer.items)


def test_names_from_the_document_are_offered() -> None:
    async def session() -> list[str]:
        async with serve() as client:
            client.open(URI, SOURCE + "    return tot")
            answer = await client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(URI), types.Position(7, 14))
            )
            assert isinstance(answer, types.CompletionList)
            return [item.label for item in answer.items]

    labels = run(session())
    assert "total_bytes" in labels and "total_size" in labels
