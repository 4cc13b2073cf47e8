"""Is this suggestion valid here: libcst parses the statement around the cursor with the snippet in it.

`fits` accepts a snippet when the statement around the cursor (see `region`) parses with it inserted, or
parses once the code the user is still writing is finished for them: still-open brackets closed (and an
open string, unless the snippet opened it), and a block header without a body given a colon and a `pass`.
A snippet that leaves a string or a bracket it opened unterminated is never accepted. When that fails, the snippet is
rejected if the statement parses (with the same repairs) without the snippet, or with the cursor's line
replaced by a placeholder: the document was fine and the snippet broke it. Otherwise the document was
already broken there, and the snippet is accepted unless it adds a tokenization problem (a closing
bracket without its opener, an unterminated string) to the text from the statement start to the end of
the cursor's line. Never raises; never parses more than the region.
"""

from __future__ import annotations

import functools
import logging
import re

import libcst

from inkling.style.lines import indent_of, next_code_line, width
from inkling.style.region import Region, find_region
from inkling.style.scan import Scan, scan

log = logging.getLogger("inkling.style")

_BLOCK = re.compile(r"(?:async\s+)?(?:def|class|if|elif|else|while|for|with|try|except|finally)\b")


def fits(prefix: str, snippet: str, suffix: str) -> bool:
    """Whether `prefix + snippet + suffix` is valid Python around the snippet, allowing unfinished code."""
    snippet = snippet.replace("\r\n", "\n")
    try:
        return _fits(find_region(prefix, snippet, suffix), snippet)
    except Exception:  # a bug here must not cost the suggestion: judge by tokens alone
        log.warning("syntax check failed; judging the snippet by its tokens", exc_info=True)
        end = suffix.find("\n")
        return _no_worse(prefix[prefix.rfind("\n") + 1 :], snippet, suffix[: len(suffix) if end < 0 else end])


def in_context(prefix: str, snippet: str, suffix: str) -> tuple[str, int, libcst.Module] | None:
    """Text that parses and holds the snippet inside its statement (finished as `fits` finishes it), with
    the snippet's offset in it and its parse (cached: `fits` has usually parsed the same text); None when
    the statement does not parse with the snippet in it."""
    snippet = snippet.replace("\r\n", "\n")
    region = find_region(prefix, snippet, suffix)
    head = region.before + snippet + region.rest
    for closing in ("", _repair(head, scan(head), region.tail)):
        text = region.header + head + closing + region.tail
        module = parse(text)
        if module is not None:
            return text, len(region.header) + len(region.before), module
    return None


def _fits(region: Region, snippet: str) -> bool:
    head = region.before + snippet + region.rest
    found = scan(head)
    start, stop = len(region.before), len(region.before) + len(snippet)
    if start <= found.open_string < stop or start <= found.broken_string < stop:
        return False  # the snippet opened a string and left it unterminated
    if any(start <= at < stop for _, at in found.stack):
        return False  # the snippet opened a bracket and left it open: a half-written expression
    if _parses(region.header + head + region.tail):
        return True
    repair = _repair(head, found, region.tail)
    if repair and _parses(region.header + head + repair + region.tail):
        return True
    if _healthy(region):
        return False
    return _no_worse(region.before, snippet, region.rest)


def _repair(head: str, found: Scan, tail: str) -> str:
    """Text that finishes what `head` leaves open: its string and brackets, then its block header."""
    closing = found.closing()
    if found.open_string >= 0:
        return closing
    end = found.code_end(head)
    statement_at = found.stack[0][1] if found.stack else end - 1
    line = head[head.rfind("\n", 0, max(statement_at, 0)) + 1 :]
    has_colon = not found.stack and head[:end].endswith(":")
    if not has_colon and not _BLOCK.match(line.lstrip()):
        return closing
    following = next_code_line(tail)
    if following and width(following) > width(line):
        return closing + ("" if has_colon else ":")  # the block already has a body
    indent = indent_of(line)
    body = "\n" + indent + ("\t" if "\t" in indent else "    ") + "pass"
    if re.match(r"try\b", line.lstrip()):
        body += "\n" + indent + "finally:" + body  # a `try` needs a clause to parse
    return closing + ("" if has_colon else ":") + body


def _healthy(region: Region) -> bool:
    """Whether the region parses without the snippet: as the user left it, or without the cursor's line."""
    base = region.before + region.rest
    if _parses(region.header + base + region.tail):
        return True
    repair = _repair(base, scan(base), region.tail)
    if repair and _parses(region.header + base + repair + region.tail):
        return True
    following = next_code_line(region.tail)
    filler = "if 1:" if following and width(following) > len(region.indent.expandtabs(8)) else "pass"
    above = region.before[: len(region.before) - len(region.line_before)]
    return _parses(region.header + above + region.indent + filler + region.tail)


def _no_worse(before: str, snippet: str, rest: str) -> bool:
    return _problems(scan(before + snippet + rest)) <= _problems(scan(before + rest))


def _problems(found: Scan) -> set[str]:
    problems = set()
    if found.stray_closer >= 0:
        problems.add("closer")
    if found.open_string >= 0 or found.broken_string >= 0:
        problems.add("string")
    return problems


@functools.lru_cache(maxsize=64)
def parse(source: str) -> libcst.Module | None:
    """The libcst module of `source`, None when it does not parse (cached: the same text parses once)."""
    try:
        return libcst.parse_module(source)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # ParserSyntaxError, and the native parser's panics (not Exceptions)
        return None


def _parses(source: str) -> bool:
    return parse(source) is not None
