"""The gate: decide whether the cursor wants nothing, the rest of a line, or the body of an empty block."""

from __future__ import annotations

from inkling.completion.types import Mode

# What an editor auto-closes, or a user types right after it: completing in front of such text (and
# whitespace or a `;`) is still completing the line. Post-processing retypes it through the item's range.
AUTO_CLOSED = frozenset(")]}'\":,")
_LINE_TAIL = AUTO_CLOSED | frozenset("; \t\r")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _code(line: str) -> str:
    """A line without its trailing comment (a rough cut: a '#' inside a string also ends it)."""
    return line.split("#", 1)[0].rstrip()


def decide(prefix: str, suffix: str, multiline: bool = True) -> Mode:
    """ "none" in the middle of a word or of a line's text, "block" at the start of an empty block (a blank
    line after a line ending in ':'), else "line". Without `multiline`, never "block"."""
    before = prefix.rsplit("\n", 1)
    current = before[-1]
    after_cursor = suffix.split("\n", 1)[0]
    if after_cursor[:1].isalnum() or after_cursor[:1] == "_":
        return "none"  # inside a word: whatever we add splits it
    if any(c not in _LINE_TAIL for c in after_cursor):
        return "none"  # editing inside a line: a suggestion would have to guess how it joins the rest
    if current.strip() or after_cursor.strip() or len(before) == 1 or not multiline:
        return "line"
    opener = next((line for line in reversed(before[0].splitlines()) if line.strip()), "")
    if not _code(opener).endswith(":"):
        return "line"
    following = next((line for line in suffix.splitlines()[1:] if line.strip()), "")
    if following and _indent(following) > _indent(opener):
        return "line"  # the block already has a body below the cursor
    return "block"
