"""Hovering over a function's name shows a summary generated from its body, marked as generated, beside the
docstring it has; elsewhere, and in a file that does not parse, no hover."""

from __future__ import annotations

from lsprotocol import types
from tests.lsp.session import Client, run, serve

URI = "file:///tmp/hover.py"
SOURCE = '''import os


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\\n") for line in f]


def total_size(paths):
    """Sum of file sizes."""
    result = 0
    for path in paths:
        result += os.path.getsize(path)
    return result
'''


async def _hover(client: Client, line: int, character: int) -> types.Hover | None:
    params = types.HoverParams(types.TextDocumentIdentifier(URI), types.Position(line, character))
    return await client.text_document_hover_async(params)


def test_a_generated_summary_over_a_function_name() -> None:
    async def session() -> None:
        async with serve() as client:
            assert client.initialize_result.capabilities.hover_provider  # type: ignore[attr-defined]
            client.open(URI, SOURCE)
            found = await _hover(client, 3, 6)  # on `read_lines`
            assert found is not None
            assert isinstance(found.contents, types.MarkupContent)
            text = found.contents.value
            assert text.startswith("*Inkling, generated:* ")
            assert len(text) > len("*Inkling, generated:* ") + 3
            assert found.range == types.Range(types.Position(3, 4), types.Position(3, 14))
            assert await _hover(client, 3, 6) == found  # cached: the same answer

            with_doc = await _hover(client, 8, 8)  # `total_size` has a docstring: shown below the summary
            assert with_doc is not None and isinstance(with_doc.contents, types.MarkupContent)
            assert (
                "*Docstring:*" in with_doc.contents.value and "Sum of file sizes." in with_doc.contents.value
            )

            assert await _hover(client, 4, 10) is None  # inside the body: no hover
            client.open("file:///tmp/broken.py", "def f(:\n    return 1\n")
            broken = types.HoverParams(
                types.TextDocumentIdentifier("file:///tmp/broken.py"), types.Position(0, 4)
            )
            assert await client.text_document_hover_async(broken) is None

    run(session())
