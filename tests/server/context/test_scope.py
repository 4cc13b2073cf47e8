"""The token scan: what a stretch of code binds, uses and imports, without a parse."""

from __future__ import annotations

import pytest

from inkling.context.scope import Import, analyze
from inkling.context.tokens import tokens


def bound(code: str) -> set[str]:
    return analyze(tokens(code)[0]).bound


def used(code: str) -> set[str]:
    return {name for name, _, _ in analyze(tokens(code)[0]).used}


def test_strings_are_one_token_and_comments_none() -> None:
    found, state = tokens('x = "{a}" + r\'b\' # c d\ny = """e\nf""" ')
    assert [(kind, text) for kind, text, _, _ in found] == [
        ("name", "x"),
        ("op", "="),
        ("str", ""),
        ("op", "+"),
        ("str", ""),
        ("nl", "\n"),
        ("name", "y"),
        ("op", "="),
        ("str", ""),
    ]
    assert state == ""


def test_an_open_triple_quote_is_carried_to_the_next_text() -> None:
    found, state = tokens('def f():\n    """Return the')
    assert state == '"""'
    found, state = tokens('    sum of it."""\n    return total', state)
    assert [text for kind, text, _, _ in found if kind == "name"] == ["return", "total"]
    assert state == ""


TRIPLE = "'" * 3


@pytest.mark.parametrize(
    ("text", "state", "left_open"),
    [
        (f"x = {TRIPLE}a''", "", TRIPLE),
        (f"x = {TRIPLE}'", "", TRIPLE),
        (f"x = {TRIPLE}{TRIPLE}", "", ""),
        ('x = """a\\"""', "", '"""'),  # an escaped quote does not close it
        ("x = 'it''s' + \"a", "", ""),  # a single-quoted string never goes on
        ("still the docstring", '"""', '"""'),
        ('end of it""" + x', '"""', ""),
    ],
)
def test_which_triple_quote_is_left_open(text: str, state: str, left_open: str) -> None:
    assert tokens(text, state)[1] == left_open


def test_the_fields_of_an_f_string_are_code() -> None:
    text = 'f"{count} {name!r:>{width}} {{braces}} {total=} {a != b}" + "{plain}"'
    assert used(text) == {"count", "name", "width", "total", "a", "b"}
    field = next(token for token in tokens(text)[0] if token[1] == "width")
    assert text[field[2] : field[3]] == "width"


def test_offsets_point_into_the_text() -> None:
    text = "value = other(1)"
    assert [(text[start:end]) for _, _, start, end in tokens(text)[0]] == [
        "value",
        "=",
        "other",
        "(",
        "1",
        ")",
    ]


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("a = b = 1", {"a", "b"}),
        ("a, (b, *c) = items", {"a", "b", "c"}),
        ("[a, b] = pair", {"a", "b"}),
        ("x: int = 3", {"x"}),
        ("x: int", {"x"}),
        (
            "def f(self, a, b: int = 2, *args, key=None, **kw) -> str:",
            {"f", "self", "a", "b", "args", "key", "kw"},
        ),
        ("async def run(loop):", {"run", "loop"}),
        ("def first[T](items: list[T]) -> T:", {"first", "T", "items"}),
        ("class Point(Base, metaclass=Meta):", {"Point"}),
        ("import os.path, numpy as np", {"os", "np"}),
        ("from .models import User, Group as G", {"User", "G"}),
        ("from x import (\n    a,\n    b as c,\n)", {"a", "c"}),
        ("for i, (k, v) in enumerate(pairs):", {"i", "k", "v"}),
        ("async for chunk in stream:", {"chunk"}),
        ("with open(p) as f, lock as (a, b):", {"f", "a", "b"}),
        ("except (OSError, ValueError) as error:", {"error"}),
        ("squares = [n * n for n in numbers if n]", {"squares", "n"}),
        ("total = sum(v for row in rows for v in row)", {"total", "row", "v"}),
        ("key = lambda item, *rest: item.size", {"key", "item", "rest"}),
        ("if (n := len(items)) > 3:", {"n"}),
        ("global counter, cache", {"counter", "cache"}),
        ("nonlocal depth", {"depth"}),
        ("case Point(x=0, y=found) | [found, *others] if found > 0:", {"found", "others"}),
        ("type Pair = tuple[int, int]", {"Pair"}),
    ],
)
def test_what_a_statement_binds(code: str, names: set[str]) -> None:
    assert bound(code) == names


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("x.y = z", {"x", "z"}),  # an attribute target: its object is used, the attribute is not a name
        ("items[index] = value", {"items", "index", "value"}),
        ("counter += 1", {"counter"}),
        ("print(text, file=sys.stderr, end='')", {"print", "text", "sys"}),
        ("def f(a: Sized = default) -> Result:", {"Sized", "default", "Result"}),
        ("class Point(Base, metaclass=Meta):", {"Base", "Meta"}),
        ("return self.parent.name  # the name of it", {"self"}),
        ("x = 'the' + \"it\"", set()),
        ("@app.route('/')", {"app"}),
        ("case Color.RED | Point(x=0):", {"Color", "Point"}),
        ("match command.split():", {"command"}),
        ("if value is not None and value in (True, False):", {"value"}),
        ("key = lambda item=fallback: item", {"fallback", "item"}),
    ],
)
def test_what_a_statement_uses(code: str, names: set[str]) -> None:
    assert used(code) == names


def test_a_bound_name_used_after_is_a_use_too() -> None:
    names = analyze(tokens("for x in xs:\n    print(x)")[0])
    assert names.bound == {"x"}
    assert [name for name, _, _ in names.used] == ["xs", "print", "x"]


def test_imports_name_their_modules_and_levels() -> None:
    code = "import os.path as p, json\nfrom ..pkg.mod import thing\nfrom . import sibling\nimport sys.stdout"
    imports = analyze(tokens(code)[0]).imports
    assert [(i.module, i.level) for i in imports] == [
        ("os.path", 0),
        ("json", 0),
        ("pkg.mod", 2),
        ("", 1),
        ("sys.stdout", 0),
    ]
    first = imports[0]
    assert isinstance(first, Import) and code[first.start : first.end] == "os.path"


def test_star_import() -> None:
    assert analyze(tokens("from numpy import *")[0]).star
    assert not analyze(tokens("from numpy import array")[0]).star


def test_statements_split_at_semicolons_and_compound_headers() -> None:
    assert bound("x = 1; y = 2") == {"x", "y"}
    assert bound("if ready: result = compute()") == {"result"}
    assert bound("else: fallback = None") == {"fallback"}
    assert bound("f = lambda: 0") == {"f"}  # the lambda's colon does not end a header


def test_code_that_does_not_parse_still_scans() -> None:
    code = "def broken(a, b:\n    value = a +\nresult = [x for x in\nclass Half("
    names = analyze(tokens(code)[0])
    assert {"broken", "a", "result", "x", "Half"} <= names.bound
