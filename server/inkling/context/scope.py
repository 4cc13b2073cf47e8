"""Which names a stretch of Python binds and uses, and which modules it imports: a scan of its tokens that
needs no parse, so it survives the syntax errors of a file being typed."""

from __future__ import annotations

import builtins
import keyword
from dataclasses import dataclass, field

from inkling.context.tokens import Token

# Names every module may use: the builtins and the module attributes the interpreter sets.
BUILTINS = frozenset(dir(builtins)) | {
    "__file__",
    "__path__",
    "__builtins__",
    "__annotations__",
    "__dict__",
    "__class__",  # in a method
    "__qualname__",  # in a class body
    "__module__",
}
KEYWORDS = frozenset(keyword.kwlist)
SOFT_KEYWORDS = frozenset(keyword.softkwlist) | {"type"}  # never reported as uses: `match x:`, `case _:`
_COMPOUND = frozenset(
    {"if", "elif", "else", "while", "for", "try", "except", "finally", "with", "def", "class"}
)
_NOT_A_SUBJECT = frozenset({":", "=", ".", ",", ")", "]", "}"})  # after `match` or `case` used as a name
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
# A target (assignment, `for`, `as`) is a structure of names: a bracket after one of these starts a tuple or
# a list; after a name, a `)`, `]` or a string it is a call or a subscript, whose names are uses.
_STRUCTURE = frozenset({"(", "[", ",", "=", "*", "for", "as", ":="})


@dataclass(frozen=True)
class Import:
    """A module an import statement names: `level` leading dots (0 for an absolute import); `start` and
    `end` are the offsets of its first and last token in the scanned text."""

    module: str
    level: int
    start: int
    end: int


@dataclass
class Names:
    """What a stretch of code binds (anywhere in it: Python scopes are not told apart), the names it uses
    (with their offsets) and the modules it imports."""

    bound: set[str] = field(default_factory=set)
    used: list[tuple[str, int, int]] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    star: bool = False  # `from m import *`: any name may be bound


def analyze(found: list[Token]) -> Names:
    """The names `found` (the tokens of whole statements) binds and uses, and what it imports."""
    names = Names()
    for statement in statements(found):
        _statement(statement, names)
    return names


def statements(found: list[Token]) -> list[list[Token]]:
    """`found` split into simple statements and compound statements' headers, line ends dropped."""
    result: list[list[Token]] = []
    current: list[Token] = []
    depth = lambdas = 0
    line_start = indent = 0  # where the last line began; the column of the statement's first token
    for token in found:
        kind, text = token[0], token[1]
        if kind == "nl":
            if depth == 0 and current:
                result.append(current)
                current, lambdas = [], 0
            line_start = token[3]
            continue
        first_on_line = current and current[-1][2] < line_start <= token[2]
        if depth and kind == "name" and first_on_line and token[2] - line_start <= indent:
            # a line inside brackets that starts with a name no further right than the statement did: the
            # bracket was left open (the code is being typed) and a new statement starts
            result.append(current)
            current, depth, lambdas = [], 0, 0
        if not current:
            indent = token[2] - line_start
        if kind == "op":
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0 and text == ";":
                if current:
                    result.append(current)
                current, lambdas = [], 0
                continue
            elif depth == 0 and text == ":" and current:
                if lambdas:
                    lambdas -= 1
                elif _is_header(current):
                    result.append(current)
                    current = []
                    continue
        elif kind == "name" and text == "lambda" and depth == 0:
            lambdas += 1
        current.append(token)
    if current:
        result.append(current)
    return result


def _is_header(statement: list[Token]) -> bool:
    """Whether `statement` (so far) is a compound statement's header, whose depth-0 `:` ends it."""
    first = statement[0][1]
    if statement[0][0] != "name":
        return False
    if first in _COMPOUND or first == "async":
        return True
    # `match x:` / `case [a, b]:`, soft keywords: not `match: int = 1` nor `case = 2`
    return first in ("match", "case") and len(statement) > 1 and statement[1][1] not in _NOT_A_SUBJECT


def _statement(st: list[Token], names: Names) -> None:
    first = st[0][1] if st[0][0] == "name" else ""
    if first == "import":
        _import(st, names)
        return
    if first == "from":
        _from_import(st, names)
        return
    if first in ("global", "nonlocal"):
        names.bound.update(token[1] for token in st[1:] if token[0] == "name")
        return
    role: dict[int, bool] = {}  # token index → True for a binding, False for neither binding nor use
    start = 1 if first == "async" and len(st) > 1 else 0
    head = st[start][1]
    if head in ("def", "class") and start + 1 < len(st) and st[start + 1][0] == "name":
        role[start + 1] = True
        _signature(st, start + 2, head == "def", role)
    elif first == "case" and len(st) > 1:
        _pattern(st, role)
    elif first == "type" and len(st) > 2 and st[1][0] == "name" and st[2][1] in ("=", "["):
        role[0], role[1] = False, True
    elif st[0][0] == "name" and len(st) > 1 and st[1][1] == ":" and first not in KEYWORDS:
        role[0] = True  # an annotated assignment, `x: int = 1` or `x: int`
    else:
        cut = 0
        for i, token in enumerate(_depth_zero(st)):
            if token is not None and token[1] == "=":
                _targets(st, cut, i, role)
                cut = i + 1
    for i, token in enumerate(st):
        kind, text = token[0], token[1]
        if kind != "name":
            continue
        if text == "for":
            _targets(st, i + 1, _matching_in(st, i), role)
        elif text == "as" and i + 1 < len(st):
            end = _group_end(st, i + 1) if st[i + 1][1] in _OPEN else i + 2
            _targets(st, i + 1, end, role)
        elif text == "lambda":
            _lambda(st, i, role)
        elif i + 1 < len(st) and st[i + 1][1] == ":=":
            role[i] = True
    for i, token in enumerate(st):
        if token[0] != "name":
            continue
        text = token[1]
        known = role.get(i)
        if known:
            names.bound.add(text)
        elif known is None and text not in KEYWORDS and text not in SOFT_KEYWORDS:
            after_dot = i > 0 and st[i - 1][1] == "."
            keyword_argument = (
                i + 1 < len(st) and st[i + 1][1] == "=" and (i == 0 or st[i - 1][1] in ("(", ","))
            )
            if not after_dot and not keyword_argument:
                names.used.append((text, token[2], token[3]))


def _depth_zero(st: list[Token]) -> list[Token | None]:
    """`st` with the tokens inside brackets replaced by None."""
    out: list[Token | None] = []
    depth = 0
    for token in st:
        text = token[1] if token[0] == "op" else ""
        if text in _CLOSE:
            depth = max(0, depth - 1)
        out.append(token if depth == 0 and text not in _CLOSE else None)
        if text in _OPEN:
            depth += 1
    return out


def _group_end(st: list[Token], i: int) -> int:
    """The index after the bracket that closes the one at `i` (the end of `st` if none does)."""
    depth = 0
    for j in range(i, len(st)):
        text = st[j][1] if st[j][0] == "op" else ""
        if text in _OPEN:
            depth += 1
        elif text in _CLOSE:
            depth -= 1
            if depth <= 0:
                return j + 1
    return len(st)


def _matching_in(st: list[Token], i: int) -> int:
    """The index of the `in` that ends the `for` target at `i`, at the same bracket depth."""
    depth = 0
    for j in range(i + 1, len(st)):
        kind, text = st[j][0], st[j][1]
        if kind == "op" and text in _OPEN:
            depth += 1
        elif kind == "op" and text in _CLOSE:
            depth -= 1
            if depth < 0:
                return j
        elif depth == 0 and kind == "name" and text == "in":
            return j
    return len(st)


def _targets(st: list[Token], lo: int, hi: int, role: dict[int, bool]) -> None:
    """Mark the names that `st[lo:hi]`, an assignment target, binds; the names of a subscript, a call or
    an attribute's object in it are uses."""
    stack: list[bool] = []  # for each open bracket: whether it is a call or a subscript
    for i in range(lo, hi):
        kind, text = st[i][0], st[i][1]
        previous = st[i - 1] if i > lo else None
        if kind == "op" and text in _OPEN:
            structural = previous is None or (previous[0] != "str" and previous[1] in _STRUCTURE)
            stack.append(not structural or (bool(stack) and stack[-1]))
        elif kind == "op" and text in _CLOSE:
            if stack:
                stack.pop()
        elif kind == "name" and not (stack and stack[-1]) and text not in KEYWORDS:
            after = st[i + 1][1] if i + 1 < len(st) else ""
            if (previous is None or previous[1] != ".") and after not in (".", "(", "["):
                role[i] = True


def _signature(st: list[Token], i: int, is_def: bool, role: dict[int, bool]) -> None:
    """Mark the type parameters after a def's or class's name, and a def's parameters, as bindings."""
    if i < len(st) and st[i][1] == "[":
        end = _group_end(st, i)
        _parameters(st, i, end, role)
        i = end
    if is_def and i < len(st) and st[i][1] == "(":
        _parameters(st, i, _group_end(st, i), role)


def _parameters(st: list[Token], lo: int, hi: int, role: dict[int, bool]) -> None:
    """Names right inside the bracket at `lo` that follow it, a comma or a star are parameters."""
    depth = 0
    for i in range(lo, hi):
        kind, text = st[i][0], st[i][1]
        if kind == "op" and text in _OPEN:
            depth += 1
        elif kind == "op" and text in _CLOSE:
            depth -= 1
        elif kind == "name" and depth == 1 and st[i - 1][1] in ("(", "[", ",", "*", "**"):
            role[i] = True


def _lambda(st: list[Token], i: int, role: dict[int, bool]) -> None:
    """Mark a lambda's parameters (up to its `:` at the same depth) as bindings."""
    depth = 0
    for j in range(i + 1, len(st)):
        kind, text = st[j][0], st[j][1]
        if kind == "op" and text in _OPEN:
            depth += 1
        elif kind == "op" and text in _CLOSE:
            depth -= 1
            if depth < 0:
                return
        elif depth == 0 and kind == "op" and text == ":":
            return
        elif kind == "name" and depth == 0 and st[j - 1][1] in ("lambda", ",", "*", "**"):
            role[j] = True


def _pattern(st: list[Token], role: dict[int, bool]) -> None:
    """A `case` pattern binds its capture names; class names, dotted values and keywords are not."""
    role[0] = False
    for i in range(1, len(st)):
        kind, text = st[i][0], st[i][1]
        if kind == "name" and text == "if":
            return  # the guard is an expression
        if kind != "name" or text in KEYWORDS:
            continue
        after = st[i + 1][1] if i + 1 < len(st) else ""
        if st[i - 1][1] != "." and after not in (".", "(", "="):
            role[i] = True


def _dotted(st: list[Token], i: int) -> tuple[str, int]:
    """The dotted name that starts at `i` and the index after it."""
    parts: list[str] = []
    while i < len(st) and st[i][0] == "name" and st[i][1] not in KEYWORDS:
        parts.append(st[i][1])
        if i + 2 < len(st) and st[i + 1][1] == "." and st[i + 2][0] == "name":
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), i


def _import(st: list[Token], names: Names) -> None:
    """`import a.b [as c], ...`: binds `a` (or `c`) and imports `a.b`."""
    i = 1
    while i < len(st):
        module, end = _dotted(st, i)
        if not module:
            i += 1
            continue
        names.imports.append(Import(module, 0, st[i][2], st[end - 1][3]))
        if end + 1 < len(st) and st[end][1] == "as" and st[end + 1][0] == "name":
            names.bound.add(st[end + 1][1])
            end += 2
        else:
            names.bound.add(module.split(".")[0])
        i = end


def _from_import(st: list[Token], names: Names) -> None:
    """`from ..a.b import c [as d], ...` (or `*`): binds `c` (or `d`) and imports `a.b` at level 2."""
    i, level = 1, 0
    while i < len(st) and st[i][1] in (".", "..."):
        level += len(st[i][1])
        i += 1
    module, end = _dotted(st, i)
    if module or level:
        first, last = st[min(1, len(st) - 1)], st[max(end - 1, 1)]
        names.imports.append(Import(module, level, first[2], last[3]))
    if end >= len(st) or st[end][1] != "import":
        return
    i = end + 1
    while i < len(st):
        kind, text = st[i][0], st[i][1]
        if text == "*":
            names.star = True
        elif kind == "name" and text not in KEYWORDS:
            if i + 2 < len(st) and st[i + 1][1] == "as" and st[i + 2][0] == "name":
                names.bound.add(st[i + 2][1])
                i += 2
            else:
                names.bound.add(text)
        i += 1
