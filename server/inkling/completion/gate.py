"""The gate: decide whether the cursor wants the rest of a line or the body of an empty block."""

from __future__ import annotations

from typing import Literal

Mode = Literal["line", "block"]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _code(line: str) -> str:
    """A line without its trailing comment (a rough cut: a '#' inside a string also ends it)."""
    return line.split("#", 1)[0].rstrip()


def decide(prefix: str, suffix: str) -> Mode:
    """Block mode at the start of an empty block (a blank line after a line ending in ':'), else line mode."""
    before = prefix.rsplit("\n", 1)
    current = before[-1]
    after_cursor = suffix.split("\n", 1)[0]
    if current.strip() or after_cursor.strip() or len(before) == 1:
        return "line"
    opener = next((line for line in reversed(before[0].splitlines()) if line.strip()), "")
    if not _code(opener).endswith(":"):
        return "line"
    following = next((line for line in suffix.splitlines()[1:] if line.strip()), "")
    if following and _indent(following) > _indent(opener):
        return "line"  # the block already has a body below the cursor
    return "block"
