"""Completion-list items: the model's ranked words and one whole line, then the document's names and keywords."""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from inkling.completion.types import Suggestion

Kind = Literal["model", "member", "name", "keyword", "line"]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
NAME_SCAN_CHARS = 200_000  # names are collected from this much text around the cursor
MAX_ITEMS = 50


class Scored(Protocol):
    """A model hypothesis: the text after the cursor and its probability."""

    @property
    def text(self) -> str: ...

    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class Item:
    """One entry of the list. `replace` counts the characters before the cursor it replaces (the part of
    the word already typed); `text` is the whole word or line."""

    text: str
    kind: Kind
    replace: int
    probability: float | None = None  # the model's, for model-ranked items


def typed_word(prefix: str) -> str:
    """The identifier the cursor is in the middle of (or at the end of); "" after a dot, a space, ..."""
    match = _TYPED.search(prefix[-200:])
    return match.group(0) if match else ""


def merge(
    prefix: str,
    suffix: str,
    words: Sequence[Scored],
    line: Suggestion | None,
    members: frozenset[str] | None = None,
) -> list[Item]:
    """Model-ranked words first (most probable first), then names defined in the document and keywords that
    extend what is typed (most frequent first); the whole line the model suggests comes second. After
    `expr.`, with the receiver's `members` known, the rest of those members replace the document's names
    and keywords (nothing else is legal there)."""
    typed = typed_word(prefix)
    found: list[Item] = []
    seen = {typed}
    for word in words:
        text = typed + word.text
        if word.text and text not in seen and _WORD.fullmatch(text):
            seen.add(text)
            found.append(Item(text, "model", len(typed), word.confidence))
    if members is not None:
        public = sorted(m for m in members if m.startswith(typed) and m not in seen and not m.startswith("_"))
        private = sorted(m for m in members if m.startswith(typed) and m not in seen and m.startswith("_"))
        found += [Item(m, "member", len(typed)) for m in public + private]
        return _with_line(found[: MAX_ITEMS - 1], line, typed)
    counts = Counter(_WORD.findall(prefix[-NAME_SCAN_CHARS:] + "\n" + suffix[:NAME_SCAN_CHARS]))
    counts[typed] -= 1  # the word being typed is not a name the document defines
    for name, count in counts.most_common():
        if count > 0 and name.startswith(typed) and name not in seen:
            seen.add(name)
            found.append(Item(name, "name", len(typed)))
    found += [Item(k, "keyword", len(typed)) for k in keyword.kwlist if k.startswith(typed) and k not in seen]
    return _with_line(found[: MAX_ITEMS - 1], line, typed)


def _with_line(found: list[Item], line: Suggestion | None, typed: str) -> list[Item]:
    """The model's one-line suggestion as the list's second item."""
    if line is not None and line.replace == 0 and line.text.strip() and "\n" not in line.text:
        found.insert(min(1, len(found)), Item(typed + line.text, "line", len(typed), line.confidence))
    return found
