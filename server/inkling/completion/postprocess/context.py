"""What the post-processing passes know about the cursor: the text around it and the file's indentation."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from inkling.completion.types import Mode, Suggestion
from inkling.style.detect import Style

if TYPE_CHECKING:
    from inkling.context.names import NameCheck

_SAMPLE = 200  # lines on each side of the cursor that the cached helpers look at


@dataclass(frozen=True)
class Context:
    """The document around the cursor; the helpers look at no more than a few hundred lines of it."""

    prefix: str
    suffix: str
    mode: Mode
    style: Style | None = None  # the file's style, to rewrite the suggestion in; None leaves it as generated
    unsafe: str = "hide"  # what to do with a suggestion `style.safety` flags: "hide" it or "mark" it
    names: NameCheck | None = None  # the check of the suggestion's names and imports; None: not checked

    @cached_property
    def line_before(self) -> str:
        """The current line up to the cursor."""
        return self.prefix[self.prefix.rfind("\n") + 1 :]

    @cached_property
    def line_after(self) -> str:
        """The rest of the current line after the cursor, without its line end."""
        end = self.suffix.find("\n")
        return self.suffix[: len(self.suffix) if end < 0 else end].rstrip("\r")

    @cached_property
    def lines_above(self) -> list[str]:
        """The whole lines before the current one, nearest last (at most a few hundred)."""
        start = len(self.prefix) - len(self.line_before)
        for _ in range(_SAMPLE):
            if start <= 0:
                break
            start = self.prefix.rfind("\n", 0, start - 1) + 1
        return self.prefix[start : len(self.prefix) - len(self.line_before)].replace("\r", "").splitlines()

    @cached_property
    def lines_below(self) -> list[str]:
        """The lines after the current one, nearest first (at most a few hundred)."""
        start = end = self.suffix.find("\n")
        for _ in range(_SAMPLE):
            if end < 0:
                break
            end = self.suffix.find("\n", end + 1)
        if start < 0:
            return []
        return self.suffix[start + 1 : len(self.suffix) if end < 0 else end].replace("\r", "").split("\n")

    @cached_property
    def previous_line(self) -> str:
        """The last non-blank line before the current one ("" if none)."""
        return next((line for line in reversed(self.lines_above) if line.strip()), "")

    @cached_property
    def next_line(self) -> str:
        """The first non-blank line after the current one ("" if none)."""
        return next((line for line in self.lines_below if line.strip()), "")

    @cached_property
    def indent_unit(self) -> str:
        """The file's indentation step: a tab or N spaces (4 when the file does not say)."""
        current = self.line_before + self.line_after  # the editor indented it, even when it is blank
        lines = [line for line in self.lines_above if line.strip()] + [current] * bool(current)
        lines += [line for line in self.lines_below if line.strip()]
        tabs = sum(line.startswith("\t") for line in lines)
        spaces = sum(line.startswith(" ") for line in lines)
        if tabs > spaces:
            return "\t"
        steps: Counter[int] = Counter()
        previous = 0
        for line in lines:
            if line.startswith("\t"):
                continue
            width = len(line) - len(line.lstrip(" "))
            if width > previous and width - previous in (2, 3, 4, 8):
                steps[width - previous] += 1
            previous = width
        return " " * (steps.most_common(1)[0][0] if steps else 4)


def revise(suggestion: Suggestion, note: str, **changes: Any) -> Suggestion:
    """`suggestion` with `changes`, noting which pass made them; the same object when nothing changes."""
    if all(getattr(suggestion, name) == value for name, value in changes.items()):
        return suggestion
    return dataclasses.replace(suggestion, notes=(*suggestion.notes, note), **changes)
