"""After the syntax pass: a suggestion that uses a name the document does not have, or imports a module that
does not exist, is dropped (`inkling.context.names`), so the next hypothesis gets its turn."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion


def check_names(suggestion: Suggestion, context: Context) -> Suggestion:
    """Drops the suggestion when `context.names` finds a problem; without a check, changes nothing."""
    if context.names is None:
        return suggestion
    problem = context.names.problem(context.prefix, context.suffix, suggestion.text, suggestion.replace)
    return suggestion if problem is None else revise(suggestion, problem, text="", replace=0)
