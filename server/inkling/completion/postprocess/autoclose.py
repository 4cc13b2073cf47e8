"""Pass 4: type over what the editor auto-closed, so `foo()` plus `x)` reads `foo(x)`, not `foo(x))`."""

from __future__ import annotations

from inkling.completion.gate import AUTO_CLOSED
from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.style.scan import scan


def replace_autoclosed(suggestion: Suggestion, context: Context) -> Suggestion:
    """Set `replace` to the closing characters after the cursor that the suggestion's first line retypes."""
    covered = covered_length(suggestion.text, context)
    return revise(suggestion, "autoclose", replace=covered) if covered else suggestion


def covered_length(text: str, context: Context) -> int:
    """How many characters after the cursor (closers only) `text`'s first line types again; 0 if none.

    The first line covers the longest start of that tail it contains after which the line's brackets
    and strings balance as they did before: `print(` + `len(x))` covers the `)`, `print(` + `len(x)` not.
    """
    tail = context.line_after.rstrip()
    if not tail or not set(tail) <= AUTO_CLOSED:
        return 0
    first = text.split("\n", 1)[0]
    balance = _balance(context.line_before + tail)
    for size in range(len(tail), 0, -1):
        if tail[:size] in first and _balance(context.line_before + first + tail[size:]) == balance:
            return size
    return 0


def _balance(line: str) -> tuple[int, bool]:
    """Open brackets minus closed ones, and whether a string is left open."""
    found = scan(line)
    return found.depth, found.open_string >= 0 or found.broken_string >= 0
