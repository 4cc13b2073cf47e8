"""The names the scope bonus favours at a bare name: where one starts at the cursor, and the document's names."""

from __future__ import annotations

import re

from inkling.context.names import known
from inkling.context.scope import BUILTINS, KEYWORDS

MAX_NAME_LINE = 400  # characters of the cursor's line looked at for a bare name
_BARE_NAME = re.compile(r"(?:^|[\s(\[{,=:+\-*/%<>!&|^~@;])([A-Za-z_]\w*|)$")  # a name starts or goes on here


def bare_name(prefix: str) -> str | None:
    """The part of a name typed before the cursor ("" at a name's start) where a bare name (not an
    attribute, nor in a string or a comment) stands at the end of `prefix`; None elsewhere."""
    line = prefix[prefix.rfind("\n") + 1 :]
    match = _BARE_NAME.search(line[-MAX_NAME_LINE:])
    if match is None or "#" in line or (line.count('"') + line.count("'")) % 2:
        return None
    return match.group(1)


def names_in_scope(prefix: str, suffix: str) -> frozenset[str]:
    """The names the document binds or uses outside the cursor's line, the builtins and the keywords."""
    head = prefix[: prefix.rfind("\n") + 1]
    end = suffix.find("\n")
    return known(head, "" if end < 0 else suffix[end:]).names | BUILTINS | KEYWORDS
