"""Pass 6: keep the longest start of the suggestion that is valid Python at the cursor (`style.syntax`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from inkling.completion.postprocess.autoclose import covered_length
from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion
from inkling.style.scan import scan
from inkling.style.syntax import fits

TRIES = 8  # syntax checks per suggestion in line mode
# Tokens after which a line may be cut: names, numbers, whole one-line strings, closing brackets.
_CUTTABLE = re.compile(r"""[^\W\d]\w*|\d[\w.]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|[)\]}]""")


def keep_valid(suggestion: Suggestion, context: Context) -> Suggestion:
    """Block mode drops trailing lines, line mode cuts back at token ends, until `fits` accepts the text."""
    text = suggestion.text
    if not text.strip():
        return suggestion

    def accepted(candidate: str) -> int | None:  # the replace count `candidate` fits with, None if not
        replace = suggestion.replace
        if candidate != text and replace:
            replace = covered_length(candidate, context)
        return replace if fits(context.prefix, candidate, context.suffix[replace:]) else None

    if accepted(text) is not None:
        return suggestion
    candidates = _block_cuts(text, accepted) if context.mode == "block" else _line_cuts(text)
    for candidate in candidates:
        replace = accepted(candidate)
        if replace is not None:
            return revise(suggestion, "syntax", text=candidate, replace=replace)
    return revise(suggestion, "syntax", text="", replace=0)


def _line_cuts(text: str) -> list[str]:
    """Shorter starts of `text` that end at a token end, longest first; those that close every bracket
    they open come first, since a bracket the suggestion leaves open never fits."""
    ends = sorted({match.end() for match in _CUTTABLE.finditer(text)} - {len(text)}, reverse=True)
    balanced = [end for end in ends if scan(text[:end]).depth <= 0]
    ordered = balanced + [end for end in ends if end not in balanced]
    return [text[:end] for end in ordered][: TRIES - 1]


def _block_cuts(text: str, accepted: Callable[[str], int | None]) -> list[str]:
    """The longest run of whole leading lines that fits, found by bisection (a line-count search)."""
    lines = text.split("\n")
    low, high = 0, len(lines)  # lines[:low] is taken to fit (none do trivially); lines[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if accepted("\n".join(lines[:middle]).rstrip()) is not None:
            low = middle
        else:
            high = middle
    return ["\n".join(lines[:low]).rstrip()] if low else []
