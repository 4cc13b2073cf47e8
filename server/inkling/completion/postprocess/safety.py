"""Pass 8: a suggestion with dangerous code (`style.safety`) is hidden, or marked with a comment that says why."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.style.safety import check

MARK = "  # inkling: "


def check_safety(suggestion: Suggestion, context: Context) -> Suggestion:
    """Checks the suggestion with the start of its line, for what the user typed there does not already hold."""
    typed = {finding.check for finding in check(context.line_before)}
    findings = [
        finding
        for finding in check(context.line_before + suggestion.text)
        if finding.line > 0 or finding.check not in typed
    ]
    if not findings:
        return suggestion
    first = findings[0]
    lines = suggestion.text.split("\n")
    rest = context.line_after[suggestion.replace :] if first.line == len(lines) - 1 else ""
    if context.unsafe != "mark" or rest.strip() or "#" in lines[first.line]:
        # hidden, also when a mark cannot be added: a comment would swallow code after it, or one is there
        return revise(suggestion, f"unsafe: {first.message}", text="", replace=0)
    lines[first.line] += MARK + first.message
    return revise(suggestion, f"unsafe: {first.message}", text="\n".join(lines))
