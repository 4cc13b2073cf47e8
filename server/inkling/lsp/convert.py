"""LSP ↔ domain: a document and position become a Request; suggestions and items become LSP items."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcInvalidParams
from pygls.workspace import TextDocument

from inkling.completion.items import Item
from inkling.completion.summary import Summary
from inkling.completion.types import Request, Suggestion
from inkling.style.edit import Edit

if TYPE_CHECKING:
    from cattrs import Converter

_KINDS = {
    "model": types.CompletionItemKind.Text,
    "member": types.CompletionItemKind.Field,
    "name": types.CompletionItemKind.Variable,
    "keyword": types.CompletionItemKind.Keyword,
    "line": types.CompletionItemKind.Snippet,
}
_SURROGATE = re.compile("[\ud800-\udfff]")  # a decoded str holds surrogates only unpaired


def utf16_len(text: str) -> int:
    """Its length in UTF-16 code units (a lone surrogate counts one)."""
    return len(text) if text.isascii() else len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def clean(text: str) -> str:
    """`text` as the engine reads it: LF line ends (CRLF and a lone CR are line ends in LSP), and each lone
    surrogate (which no encoder takes) as U+FFFD, one UTF-16 unit like it, so positions stay valid."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        try:
            text.encode("utf-16-le")  # fails only on a lone surrogate; ten times faster than a regex search
        except UnicodeEncodeError:
            text = _SURROGATE.sub("\ufffd", text)
    return text


def line_end(text: str) -> str:
    """The text's own line end, by its first one ("\\n" when it has none)."""
    first = text.find("\n")
    if first > 0 and text[first - 1] == "\r":
        return "\r\n"
    if "\r" in (text if first < 0 else text[:first]):
        return "\r"
    return "\n"


@dataclass(frozen=True)
class Text:
    """A document's text as the engine sees it (`clean`), and the line end to restore in what goes back.
    Lines are the same as the document's and columns too (a CR only ends a line), only offsets differ, so
    positions are computed on this text."""

    uri: str
    source: str
    eol: str = "\n"

    @classmethod
    def of(cls, uri: str, source: str) -> Text:
        return cls(uri, clean(source), line_end(source))

    def offset(self, position: types.Position) -> int:
        """The offset of an LSP position (UTF-16 columns; one past a line's end is its end)."""
        text, start = self.source, 0
        for _ in range(position.line):
            found = text.find("\n", start)
            if found < 0:
                return len(text)
            start = found + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text.isascii():  # O(1): CPython keeps the flag
            return min(start + position.character, end)
        at, units = start, 0
        while at < end and units < position.character:
            units += 2 if ord(text[at]) > 0xFFFF else 1
            at += 1
        return at

    def position(self, offset: int) -> types.Position:
        start = self.source.rfind("\n", 0, offset) + 1
        return types.Position(self.source.count("\n", 0, offset), utf16_len(self.source[start:offset]))

    def restore(self, text: str) -> str:
        """Generated text with the document's own line ends."""
        return with_eol(text, self.eol)

    def request(self, position: types.Position, document: str | None = None) -> Request:
        offset = self.offset(position)
        return Request(self.source[:offset], self.source[offset:], self.uri if document is None else document)


def with_eol(text: str, eol: str) -> str:
    return text if eol == "\n" else text.replace("\n", eol)


def document_text(document: TextDocument) -> Text:
    return Text.of(document.uri, document.source)


def to_request(document: TextDocument, position: types.Position) -> Request:
    """The text before and after the cursor, as the engine reads it (`clean`)."""
    return document_text(document).request(position)


def _shift(position: types.Position, text: str, sign: int) -> types.Position:
    """The position `text` (on the same line) further right (sign 1) or left (sign -1)."""
    return types.Position(position.line, max(position.character + sign * utf16_len(text), 0))


def inline_item(
    suggestion: Suggestion, position: types.Position, suffix: str, eol: str = "\n"
) -> types.InlineCompletionItem:
    """The item; its range covers the auto-closed characters the suggestion replaces (on the cursor's line),
    its text has the document's line ends."""
    end = _shift(position, suffix[: suggestion.replace], 1)
    return types.InlineCompletionItem(
        insert_text=with_eol(suggestion.text, eol), range=types.Range(position, end)
    )


def completion_item(
    item: Item, rank: int, position: types.Position, prefix: str, eol: str = "\n"
) -> types.CompletionItem:
    """A list entry that replaces the typed part of the word; `sortText` keeps the model's order."""
    start = _shift(position, prefix[len(prefix) - item.replace :], -1)
    detail = "Inkling" if item.probability is None else f"Inkling {item.probability:.0%}"
    return types.CompletionItem(
        label=item.text,
        kind=_KINDS[item.kind],
        detail=detail,
        sort_text=f"{rank:04d}",
        filter_text=item.text,
        text_edit=types.TextEdit(types.Range(start, position), with_eol(item.text, eol)),
        data={"probability": item.probability, "source": item.kind},
    )


@functools.cache
def _converter() -> Converter:
    """lsprotocol's converter, made on first use: making it takes 36 ms that a server start need not pay."""
    return get_converter()


def range_to_json(selection: types.Range) -> object:
    """A range as plain JSON, for a command's arguments."""
    return _converter().unstructure(selection)


def offsets(text: Text, selection: object) -> tuple[int | None, int | None]:
    """A command's range argument (JSON) as offsets into the text; (None, None) for none. Raises
    JsonRpcInvalidParams for something that is not a range."""
    if selection is None:
        return None, None
    try:
        parsed = _converter().structure(selection, types.Range)
    except Exception as exc:
        raise JsonRpcInvalidParams(f"not a range: {selection!r}") from exc
    start, end = text.offset(parsed.start), text.offset(parsed.end)
    if start > end:
        raise JsonRpcInvalidParams(f"not a range: {selection!r} ends before it starts")
    return start, end


def workspace_edit(text: Text, version: int | None, edit: Edit) -> types.WorkspaceEdit:
    """The edit (offsets into `text`) for this version of the document only: a client rejects it once the
    text has moved on. Its new text has the document's line ends."""
    where = types.Range(text.position(edit.start), text.position(edit.end))
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=text.uri, version=version)
    text_edit = types.TextEdit(where, text.restore(edit.text))
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, [text_edit])])


def hover(text: Text, summary: Summary) -> types.Hover:
    contents = types.MarkupContent(kind=types.MarkupKind.Markdown, value=summary.markdown())
    return types.Hover(
        contents=contents, range=types.Range(text.position(summary.start), text.position(summary.end))
    )
