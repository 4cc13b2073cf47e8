"""The completion domain's values: what a request asks and what a suggestion answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlparse

from inkling.style.edit import Edit

Mode = Literal["none", "line", "block"]


@dataclass(frozen=True)
class Request:
    """A cursor in a document: the text before and after it, and the document it belongs to."""

    prefix: str
    suffix: str
    document: str = ""  # the document's URI: the key of its state cache and of its request tickets


@dataclass(frozen=True)
class Suggestion:
    """Text to show at the cursor.

    `replace` counts the characters right after the cursor (on the current line) that the text replaces,
    so an auto-closed `)` is overwritten instead of doubled. `confidence` is the model's geometric-mean
    probability of the generated tokens, in [0, 1].
    """

    text: str
    mode: Mode = "line"
    replace: int = 0
    confidence: float = 0.0
    notes: tuple[str, ...] = field(default=())  # which post-processing passes changed it, for the log


@dataclass(frozen=True)
class Change:
    """What a command computed: the edit to apply, or why there is none."""

    edit: Edit | None
    reason: str = ""


def document_path(uri: str) -> str | None:
    """The file path of a file: URI (for the analysis to find the project's modules), else None."""
    if not uri.startswith("file://"):
        return None
    return unquote(urlparse(uri).path) or None
