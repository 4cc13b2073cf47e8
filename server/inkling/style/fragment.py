"""Normalize a generated snippet where it lands: libcst rewrites it inside its statement and nothing else;
where that statement does not parse, token-level fixes stand in."""

from __future__ import annotations

import logging

from inkling.style.detect import Style
from inkling.style.normalize import normalize
from inkling.style.scan import scan
from inkling.style.syntax import in_context
from inkling.style.tokens import token_fixes

log = logging.getLogger("inkling.style")


def normalize_snippet(prefix: str, snippet: str, suffix: str, style: Style) -> str:
    """`snippet`, to be inserted between prefix and suffix, rewritten into `style`. Never raises."""
    crlf = "\r\n" in snippet
    plain = snippet.replace("\r\n", "\n")
    try:
        out = _normalize(prefix, plain, suffix, style)
    except Exception:
        log.warning("normalizing a snippet failed; it is kept as generated", exc_info=True)
        return snippet
    return out.replace("\n", "\r\n") if crlf else out


def _normalize(prefix: str, snippet: str, suffix: str, style: Style) -> str:
    found = in_context(prefix, snippet, suffix)
    if found is not None:
        text, start, module = found
        result = normalize(text, style, (start, start + len(snippet)), module)
        if result.status in ("changed", "unchanged"):
            return result.code[start : start + len(snippet) + len(result.code) - len(text)]
    if scan(prefix).open_string >= 0:  # the snippet starts inside a string: its tokens cannot be read alone
        return snippet  # (a whole-prefix scan, but only on this rare path)
    return token_fixes(snippet, style)
