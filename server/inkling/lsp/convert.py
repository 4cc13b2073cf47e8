"""LSP ↔ domain: a document and position become a Request; suggestions and items become LSP items."""

from __future__ import annotations

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.workspace import TextDocument

from inkling.completion.items import Item
from inkling.completion.summary import Summary
from inkling.completion.types import Request, Suggestion
from inkling.style.edit import Edit

_KINDS = {
    "model": types.CompletionItemKind.Text,
    "name": types.CompletionItemKind.Variable,
    "keyword": types.CompletionItemKind.Keyword,
    "line": types.CompletionItemKind.Snippet,
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_request(document: TextDocument, position: types.Position) -> Request:
    """The text before and after the cursor (LSP positions count UTF-16 code units; pygls converts them)."""
    source = document.source
    offset = document.offset_at_position(position)
    return Request(source[:offset], source[offset:], document.uri)


def _shift(position: types.Position, text: str, sign: int) -> types.Position:
    """The position `text` (on the same line) further right (sign 1) or left (sign -1)."""
    return types.Position(position.line, max(position.character + sign * utf16_len(text), 0))


def inline_item(suggestion: Suggestion, position: types.Position, suffix: str) -> types.InlineCompletionItem:
    """The item; its range covers the auto-closed characters the suggestion replaces (on the cursor's line)."""
    end = _shift(position, suffix[: suggestion.replace], 1)
    return types.InlineCompletionItem(insert_text=suggestion.text, range=types.Range(position, end))


def completion_item(item: Item, rank: int, position: types.Position, prefix: str) -> types.CompletionItem:
    """A list entry that replaces the typed part of the word; `sortText` keeps the model's order."""
    start = _shift(position, prefix[len(prefix) - item.replace :], -1)
    detail = "Inkling" if item.probability is None else f"Inkling {item.probability:.0%}"
    return types.CompletionItem(
        label=item.text,
        kind=_KINDS[item.kind],
        detail=detail,
        sort_text=f"{rank:04d}",
        filter_text=item.text,
        text_edit=types.TextEdit(types.Range(start, position), item.text),
        data={"probability": item.probability, "source": item.kind},
    )


_CONVERTER = get_converter()


def range_to_json(selection: types.Range) -> object:
    """A range as plain JSON, for a command's arguments."""
    return _CONVERTER.unstructure(selection)


def offsets(document: TextDocument, selection: object) -> tuple[int | None, int | None]:
    """A command's range argument (JSON) as offsets into the document's text; (None, None) for none.
    Raises ValueError for something that is not a range."""
    if selection is None:
        return None, None
    try:
        parsed = _CONVERTER.structure(selection, types.Range)
    except Exception as exc:
        raise ValueError(f"not a range: {selection!r}") from exc
    return document.offset_at_position(parsed.start), document.offset_at_position(parsed.end)


def workspace_edit(document: TextDocument, edit: Edit) -> types.WorkspaceEdit:
    """The edit for this version of the document only: a client rejects it once the text has moved on."""
    start = document.client_position_at_offset(edit.start)
    end = document.client_position_at_offset(edit.end)
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
    text_edit = types.TextEdit(types.Range(start, end), edit.text)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, [text_edit])])


def hover(document: TextDocument, summary: Summary) -> types.Hover:
    start = document.client_position_at_offset(summary.start)
    end = document.client_position_at_offset(summary.end)
    contents = types.MarkupContent(kind=types.MarkupKind.Markdown, value=summary.markdown())
    return types.Hover(contents=contents, range=types.Range(start, end))
