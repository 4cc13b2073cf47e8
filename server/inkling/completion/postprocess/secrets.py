"""After pass 1: a suggestion that holds the scrub placeholder or a credential-looking literal is cut or hidden.

The corpus replaces every secret with `data.credentials.PLACEHOLDER`, so a fine-tuned model learns to write
`"<SECRET>"` where a credential goes: that is never worth showing. A suggestion in which the scrubber's own
detectors find a credential (one the model memorised) is hidden whatever the `unsafe` setting says, since a
mark would still show it.
"""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.data.credentials import PLACEHOLDER
from inkling.data.secrets import scrub

# Enough of the placeholder to recognise it when the model stopped half-way or the typed text holds the rest.
_PARTS = (PLACEHOLDER[:-1], PLACEHOLDER[1:])
_MIN_TAIL = 4  # a suggestion that ends in "<SEC" is on its way to the placeholder
_CLOSINGS = ("", '"', "'")  # a string the suggestion leaves open is closed before the scrubber reads it


def has_placeholder(text: str) -> bool:
    """True when text holds the placeholder, most of it, or ends in its first few characters."""
    if any(part in text for part in _PARTS):
        return True
    stripped = text.rstrip()
    return any(stripped.endswith(PLACEHOLDER[:n]) for n in range(_MIN_TAIL, len(PLACEHOLDER)))


def _secrets_in(text: str) -> int:
    """How many secrets the scrubber finds in text, read as it is or with an open string closed."""
    return max(sum(scrub(text + closing)[1].values()) for closing in _CLOSINGS)


def carries_credential(typed: str, text: str, rest: str = "") -> bool:
    """True when the scrubber finds more secrets in the line with the suggestion than in the line without."""
    without = max(_secrets_in(typed + rest), _secrets_in(typed))
    return max(_secrets_in(typed + text + rest), _secrets_in(typed + text)) > without


def hide_secrets(suggestion: Suggestion, context: Context) -> Suggestion:
    """Cuts a block before the line that holds the placeholder, or hides the suggestion when it is the first
    line, and hides any suggestion that carries a credential."""
    typed = context.line_before
    if not any(part in typed for part in _PARTS) and has_placeholder(typed + suggestion.text):
        lines = suggestion.text.split("\n")
        first = next(n for n in range(len(lines)) if has_placeholder(typed + "\n".join(lines[: n + 1])))
        kept = "\n".join(lines[:first]).rstrip()
        if kept.strip():
            return revise(suggestion, "secret placeholder", text=kept, replace=0)
        return revise(suggestion, "secret placeholder", text="", replace=0)
    rest = context.line_after[suggestion.replace :]
    if carries_credential(typed, suggestion.text, rest):
        return revise(suggestion, "secret: a credential-like literal", text="", replace=0)
    return suggestion
