"""Pass 1: cut the text at the first special token; nothing after one continues the code."""

from __future__ import annotations

from inkling import specials
from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion


def strip_specials(suggestion: Suggestion, context: Context) -> Suggestion:
    """Keep the text before the first `<|endoftext|>`, `<|fim_middle|>`, ... in it."""
    text = suggestion.text
    cut = min((text.find(token) for token in specials.ALL if token in text), default=len(text))
    return revise(suggestion, "specials", text=text[:cut])
