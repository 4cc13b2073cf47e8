"""Pass 3: drop generated text that duplicates code already after the cursor."""

from __future__ import annotations

from inkling.completion.gate import AUTO_CLOSED
from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.style.lines import width


def drop_duplicates(suggestion: Suggestion, context: Context) -> Suggestion:
    """Drop a copy of the next line, cut a block where it runs into the code below, trim the line's end."""
    text = suggestion.text
    for _ in range(8):  # each cut can expose another copy; stop at the fixpoint
        cut = _cut(text, context)
        if cut == text:
            break
        text = cut
    return revise(suggestion, "suffix", text=text)


def _cut(text: str, context: Context) -> str:
    rest = context.line_after.rstrip()
    if context.mode == "block":
        return _cut_block(text, context)
    if not rest:
        return "" if text.strip() and text.strip() == context.next_line.strip() else text
    if set(rest) <= AUTO_CLOSED or not text.endswith(rest):
        return text
    return text[: len(text) - len(rest)]


def _cut_block(text: str, context: Context) -> str:
    """Cut from the first line that is the next line of code, then any tail that is the suffix's start."""
    following = context.next_line
    lines = text.split("\n")
    body = width(context.line_before + lines[0])
    for i, line in enumerate(lines):
        if following.strip() and line.strip() == following.strip():
            whole = context.line_before + line if i == 0 else line
            if width(following) >= body or width(whole) == width(following):
                text = "\n".join(lines[:i]).rstrip()
                break
    start = "\n".join([context.line_after, *context.lines_below[:20]])
    if not start:
        return text
    for i, char in enumerate(text):
        if char == start[0] and start.startswith(text[i:]) and text[i:].strip():
            return text[:i]
    return text
