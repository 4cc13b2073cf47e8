"""Pass 5: re-indent a generated block into the file's own indentation unit (tabs, 2 or 4 spaces)."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion


def reindent(suggestion: Suggestion, context: Context) -> Suggestion:
    """Rewrite the indentation of every block line after the first in the file's unit, level for level."""
    lines = suggestion.text.split("\n")
    body = [line for line in lines[1:] if line.strip()]
    if context.mode != "block" or not body:
        return suggestion
    unit = context.indent_unit
    first = context.line_before + lines[0]
    base, _ = _levels(_indent(first), 4 if unit == "\t" else len(unit))
    step = _generated_step(first, body[0], base, unit)
    if step is None:
        return suggestion  # the block's own indentation does not say what a level is
    rewritten = [lines[0]]
    for line in lines[1:]:
        levels, spaces = _levels(_indent(line), step)
        rewritten.append(unit * levels + " " * spaces + line.lstrip(" \t") if line.strip() else "")
    return revise(suggestion, "indentation", text="\n".join(rewritten))


def _generated_step(first: str, second: str, base: int, unit: str) -> int | None:
    """How many spaces make one level in the generated lines, judged by the first line below line 0.

    After a header (a line ending in ':') that line is one level deeper than line 0; otherwise it is
    usually at the same level (a continuation line or a dedent is one level off at most).
    """
    candidates = [4, 8] if unit == "\t" else list(dict.fromkeys([len(unit), 4]))
    header = first.split("#", 1)[0].rstrip().endswith(":")
    found = {step: _levels(_indent(second), step) for step in candidates}
    expected = (base + 1 if header else base, 0)
    for step in candidates:
        if found[step] == expected:
            return step
    return next((s for s in candidates if found[s][1] == 0 and found[s][0] <= base + 1), None)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _levels(indent: str, step: int) -> tuple[int, int]:
    """Indentation levels in `indent` (a tab is one, `step` spaces are one) and the spaces left over."""
    levels, spaces = divmod(indent.count(" "), step)
    return levels + indent.count("\t"), spaces
