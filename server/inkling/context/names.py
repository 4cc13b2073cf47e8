"""Whether a suggestion uses a name the document never binds nor uses, or imports a module that does not
exist; the document's names are cached by line, so a keystroke costs about a dictionary lookup per line.

Names are not told apart by scope: a name bound or used anywhere in the document is known, so a suggestion
is dropped only for a name the document has nowhere (`the`, `it`, `os` without its import). Each physical
line is scanned on its own (a statement's later lines too: what they bind or use is named on them), with
the triple quote left open above it. The line with the cursor is left out of the document and scanned with
the suggestion (after the unfinished statement above it, if any), so typing on it keeps the rest's
analysis: that is cached by the text around the line.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from inkling.context.modules import INSTALLED, resolves
from inkling.context.scope import BUILTINS, analyze
from inkling.context.tokens import tokens

MAX_DOCUMENT_CHARS = 2_000_000  # a larger document is not checked
MAX_PENDING_LINES = 40  # the most lines of an unfinished statement above the cursor scanned with a suggestion
DOCUMENTS = 16  # documents (the text around their cursor's line) whose analysis is kept
MAX_CACHED_LINES = 50_000  # per-line results kept, over all documents, before the cache starts again


class _Line(NamedTuple):
    """One physical line: the names it binds or uses, the top-level modules it imports, whether it has
    `import *`, the triple quote open at its end, its bracket balance, whether it ends with a backslash."""

    names: frozenset[str]
    modules: frozenset[str]
    star: bool
    state: str
    depth: int
    joins: bool


@dataclass(frozen=True)
class Known:
    """What the document around the cursor's line has: `pending` is the unfinished statement's lines just
    above it (each with its line end), scanned from triple-quote `state` with the suggestion."""

    names: frozenset[str]
    modules: frozenset[str]
    star: bool
    pending: str = ""
    state: str = ""


_plain: dict[str, _Line] = {}  # lines that start outside a string
_in_string: dict[tuple[str, str], _Line] = {}  # (the triple quote open before it, line)
_documents: OrderedDict[tuple[str, str], Known] = OrderedDict()
_lock = threading.Lock()


def _line(text: str, state: str) -> _Line:
    found, end_state = tokens(text, state)
    depth = 0
    for kind, value, _, _ in found:
        if kind == "op":
            if value in "([{":
                depth += 1
            elif value in ")]}":
                depth -= 1
    joins = bool(found) and found[-1][1] == "\\" and not end_state
    names = analyze(found)
    record = _Line(
        frozenset(names.bound.union(name for name, _, _ in names.used)),
        frozenset(i.module.split(".")[0] for i in names.imports if i.level == 0 and i.module),
        names.star,
        end_state,
        depth,
        joins,
    )
    if state:
        _in_string[(state, text)] = record
    else:
        _plain[text] = record
    return record


def known(head: str, tail: str) -> Known:
    """What the document `head` + (the cursor's line) + `tail` has outside that line; `head` ends with a
    line end (or is empty) and `tail` starts with one (or is empty). Cached by the two texts."""
    key = (head, tail)
    with _lock:
        cached = _documents.get(key)
        if cached is not None:
            _documents.move_to_end(key)
            return cached
    result = _scan(head, tail)
    with _lock:
        _documents[key] = result
        while len(_documents) > DOCUMENTS:
            _documents.popitem(last=False)
    return result


def _scan(head: str, tail: str) -> Known:
    if len(_plain) + len(_in_string) >= MAX_CACHED_LINES:
        _plain.clear()
        _in_string.clear()
    above = head.split("\n")[:-1]
    lines = above + tail.split("\n")[1:]
    records: list[_Line] = []
    plain, in_string = _plain.get, _in_string.get
    state = ""
    for text in lines:
        record = plain(text) if not state else in_string((state, text))
        if record is None:
            record = _line(text, state)
        records.append(record)
        state = record.state
    pending, pending_state = _pending(above, records)
    imports = [record for record in records if record.modules or record.star]
    return Known(
        frozenset().union(*[record.names for record in records]),
        frozenset().union(*[record.modules for record in imports]),
        any(record.star for record in imports),
        pending,
        pending_state,
    )


def _pending(above: list[str], records: list[_Line]) -> tuple[str, str]:
    """The unfinished statement the cursor's line continues (its lines, each with its line end; "" for
    none) and the triple quote open where a suggestion's scan starts."""
    cut = len(above)
    first = max(0, cut - MAX_PENDING_LINES)
    start, depth = first, 0
    for i in range(first, cut):
        record = records[i]
        depth = max(0, depth + record.depth)
        if not depth and not record.state and not record.joins:
            start = i + 1
    if start == cut:
        return "", ""
    if start == first > 0:  # it may start further up: scan the cursor's line alone, from the open quote
        return "", records[cut - 1].state
    return "\n".join(above[start:cut]) + "\n", ""


@dataclass(frozen=True)
class NameCheck:
    """The check for a suggestion in the document at `path` (None: an unsaved one, whose relative imports
    are not checked): `problem` says what is wrong with a suggestion, or None."""

    path: str | None = None

    def __post_init__(self) -> None:
        INSTALLED.prepare()  # read the installed modules in the background before a suggestion needs them

    def problem(self, prefix: str, suffix: str, text: str, replace: int = 0) -> str | None:
        """What is wrong with `text` inserted between `prefix` and `suffix` (replacing `replace` characters
        of the line after the cursor): a name that nothing binds, or an import that does not resolve."""
        if len(prefix) + len(suffix) > MAX_DOCUMENT_CHARS or not text.strip():
            return None
        cut = prefix.rfind("\n") + 1
        end = suffix.find("\n")
        line_after, tail = (suffix, "") if end < 0 else (suffix[:end], suffix[end:])
        document = known(prefix[:cut], tail)
        lead = document.pending + prefix[cut:]
        found, _ = tokens(lead + text + line_after[replace:], document.state)
        names = analyze(found)
        low, high = len(lead), len(lead) + len(text)
        if not document.star and not names.star:
            typed = {name for name, start, stop in names.used if stop <= low or start >= high}
            known_here = names.bound | typed | document.names
            for name, start, stop in names.used:
                if stop > low and start < high and name not in known_here and name not in BUILTINS:
                    return f"undefined name {name}"
        for module in names.imports:
            inside = module.end > low and module.start < high
            if inside and not resolves(module.module, module.level, self.path, document.modules):
                return f"unresolved import {'.' * module.level}{module.module}"
        return None
