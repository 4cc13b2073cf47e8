"""Pass 7: the suggestion in the file's own style: quotes, spacing, blank lines (`style.fragment`)."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.style.fragment import normalize_snippet


def restyle(suggestion: Suggestion, context: Context) -> Suggestion:
    if context.style is None:
        return suggestion
    suffix = context.suffix[suggestion.replace :]  # what follows the suggestion once it is accepted
    text = normalize_snippet(context.prefix, suggestion.text, suffix, context.style)
    return revise(suggestion, "restyle", text=text)
