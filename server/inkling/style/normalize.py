"""Rewrite code into a file's style with the libcst rules, keeping a rule's output only when the meaning
(the `ast.dump` of the module) and the text outside the span it may change are both unchanged."""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass

import libcst

from inkling.style.detect import Style
from inkling.style.rules import RULES
from inkling.style.rules.base import Span

log = logging.getLogger("inkling.style")


@dataclass(frozen=True)
class Result:
    """What normalize did: `code` is the input when nothing was changed."""

    status: str  # "changed", "unchanged", "skipped" (not valid Python: nothing done) or "failed" (a bug)
    code: str
    applied: tuple[str, ...] = ()  # rules that changed something
    rejected: tuple[str, ...] = ()  # rules whose output changed the meaning or left the span, thrown away
    reason: str = ""


def normalize(
    code: str, style: Style, span: Span | None = None, module: libcst.Module | None = None
) -> Result:
    """`code` in `style`; with a span, only text inside [start, end) changes. Never raises. `module` is
    `code` already parsed by libcst (the syntax check's parse, reused on the keystroke path)."""
    try:
        return _normalize(code, style, span, module)
    except RecursionError:  # libcst walks the tree recursively: thousands of chained `+` are too deep
        return Result("failed", code, reason="nested too deeply for libcst to walk")
    except Exception as exc:  # a bug in a rule must not cost the user their code
        log.warning("normalize failed", exc_info=True)
        return Result("failed", code, reason=f"{type(exc).__name__}: {exc}")


def _normalize(code: str, style: Style, span: Span | None, module: libcst.Module | None) -> Result:
    if (
        module is not None
        and span is not None
        and not any(rule.relevant(code[span[0] : span[1]], style) for rule in RULES)
    ):
        return Result("unchanged", code)  # most snippets: nothing to parse or check
    try:
        meaning = ast.dump(ast.parse(code))
    except (SyntaxError, ValueError) as exc:
        return Result("skipped", code, reason=f"not valid Python ({_describe(exc)})")
    if module is None:
        try:
            module = libcst.parse_module(code)
        except libcst.ParserSyntaxError as exc:
            return Result("skipped", code, reason=f"libcst cannot parse it ({str(exc).splitlines()[0]})")
    applied: list[str] = []
    rejected: list[str] = []
    current = code
    for rule in RULES:
        if not rule.relevant(current if span is None else current[span[0] : span[1]], style):
            continue
        changed = rule.apply(module, style, span)
        text = changed.code
        if text == current:
            continue
        if span is not None:
            after = len(current) - span[1]  # characters after the span, which must stay as they are
            if text[: span[0]] != current[: span[0]] or text[len(text) - after :] != current[span[1] :]:
                rejected.append(rule.name)
                continue
        if not _same_meaning(text, meaning):
            rejected.append(rule.name)
            continue
        if span is not None:
            span = (span[0], span[1] + len(text) - len(current))
        module, current = changed, text
        applied.append(rule.name)
    status = "changed" if current != code else "unchanged"
    return Result(status, current, tuple(applied), tuple(rejected))


def _same_meaning(code: str, meaning: str) -> bool:
    try:
        return ast.dump(ast.parse(code)) == meaning
    except (SyntaxError, ValueError):
        return False


def _describe(exc: SyntaxError | ValueError) -> str:
    if isinstance(exc, SyntaxError):
        return f"line {exc.lineno}: {exc.msg}"
    return str(exc)
