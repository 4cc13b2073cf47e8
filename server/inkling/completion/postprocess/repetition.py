"""Pass 2: cut the loops a small RNN falls into: repeated lines, the line above again, `self.self.self.`."""

from __future__ import annotations

from inkling.completion.postprocess.context import Context, revise
from inkling.completion.types import Suggestion

_LONGEST_UNIT = 32  # repeated units longer than this are not looked for


def drop_repeats(suggestion: Suggestion, context: Context) -> Suggestion:
    """Cut stutters in lines, a block line repeating the one before it, trailing copies of the line above."""
    lines = [_cut_stutter(line) for line in suggestion.text.split("\n")]
    whole = [context.line_before + lines[0], *lines[1:]]  # each generated line as the file will read it
    if context.mode == "block":
        for i in range(1, len(whole)):
            if whole[i].strip() and whole[i].rstrip() == whole[i - 1].rstrip():
                lines, whole = lines[:i], whole[:i]
                break
    above = context.previous_line.rstrip()
    first_whole = 0 if not context.line_before.strip() else 1  # line 0 is a whole line only on a fresh line
    while above:
        last = max((i for i, line in enumerate(whole) if line.strip()), default=-1)
        if last < first_whole or whole[last].rstrip() != above:
            break
        lines, whole = lines[:last], whole[:last]
    return revise(suggestion, "repetition", text="\n".join(lines))


def _cut_stutter(line: str) -> str:
    """`line` with a run of 3+ copies of a 2+ character unit at its end cut to one copy."""
    for _ in range(4):  # cutting one run can expose another; a few rounds reach the fixpoint
        cut = _cut_once(line)
        if cut == line:
            break
        line = cut
    return line


def _cut_once(line: str) -> str:
    size = len(line)
    for unit in range(2, min(size // 3, _LONGEST_UNIT) + 1):
        cuts = []
        for partial in range(unit):  # the decoder may have stopped inside another copy
            end = size - partial
            copy = line[end - unit : end]
            if len(set(copy)) < 2 or line[end:] != copy[:partial]:
                continue
            copies = 1
            while line[: end - unit * copies].endswith(copy):
                copies += 1
            if copies >= 3:  # keep the text before the run and its first copy
                cuts.append((end - unit * copies, line[: end - unit * (copies - 1)]))
        if cuts:
            return min(cuts)[1]  # the run that starts first, then the shortest
    return line
