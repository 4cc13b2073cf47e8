"""Pass 7: drop suggestions too short to be worth a glance (unless they finish a name, a bracket or a header)."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion


def drop_short(suggestion: Suggestion, context: Context, min_chars: int = 2) -> Suggestion:
    """Empty the suggestion when it is whitespace, or shorter than `min_chars` without being useful."""
    text = suggestion.text
    shown = text.strip()
    if shown and len(shown) >= min_chars:
        return suggestion
    finishes_name = _name_char(context.line_before[-1:]) and _name_char(text[:1])
    closes = shown in (")", "]", "}") and not context.line_after.startswith(shown)
    ends_header = shown == ":" and not context.line_after.strip()  # `def f(x)` → `:`, then Enter
    if shown and (finishes_name or closes or ends_header):
        return suggestion
    return revise(suggestion, "length", text="", replace=0)


def _name_char(char: str) -> bool:
    return char.isalnum() or char == "_"
