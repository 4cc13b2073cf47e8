"""Each style rule, before and after: it rewrites what it owns and leaves the rest of the code alone."""

from __future__ import annotations

import libcst
import pytest

from inkling.style.detect import Style
from inkling.style.rules import RULES, Rule

BY_NAME = {rule.name: rule for rule in RULES}
PEP8 = Style()


def apply(name: str, code: str, style: Style = PEP8) -> str:
    rule: type[Rule] = BY_NAME[name]
    return rule.apply(libcst.parse_module(code), style, None).code


@pytest.mark.parametrize(
    "before,after",
    [
        ("x = 'a'\n", 'x = "a"\n'),
        ("x = r'\\d' + b'b'\n", 'x = r"\\d" + b"b"\n'),  # prefixes stay
        ("x = 'say \"hi\"'\n", "x = 'say \"hi\"'\n"),  # would need escapes: left alone
        ("x = 'it\\'s'\n", "x = 'it\\'s'\n"),
        ("x = f'{a}!'\n", 'x = f"{a}!"\n'),
        ("x = f\"<{'-'.join(k)}>\"\n", "x = f\"<{'-'.join(k)}>\"\n"),  # quotes inside an f-string stay
        ("def f():\n    '''Doc.'''\n", 'def f():\n    """Doc."""\n'),  # docstrings: always """
    ],
)
def test_quotes(before: str, after: str) -> None:
    assert apply("quotes", before) == after


def test_quotes_to_single() -> None:
    assert apply("quotes", 'x = "a"\ny = """doc"""\n', Style(quote="'")) == 'x = \'a\'\ny = """doc"""\n'


@pytest.mark.parametrize(
    "before,after",
    [
        ("x=1+2\n", "x = 1 + 2\n"),
        ("y=a  ==b and(c)\n", "y = a == b and (c)\n"),
        ("x+=1\n", "x += 1\n"),
        ("f(a = 1, *args, b =2)\n", "f(a=1, *args, b=2)\n"),
        ("def f(a = 1, b: int=2): pass\n", "def f(a=1, b: int = 2): pass\n"),
        ("x = 2**8\n", "x = 2**8\n"),  # the power operator is left as written
        ("x: int=3\n", "x: int = 3\n"),
        ("x = (a +\n     b)\n", "x = (a +\n     b)\n"),  # a gap with a line break stays
        ("if a not  in b: pass\n", "if a not  in b: pass\n"),  # inside `not in` is not around it
        ('y=f"{x=}{a+b}"\n', 'y = f"{x=}{a+b}"\n'),  # inside an f-string nothing moves: `{x=}` prints it
    ],
)
def test_operators(before: str, after: str) -> None:
    assert apply("operators", before) == after


@pytest.mark.parametrize(
    "before,after",
    [
        ("f(a ,b,c)\n", "f(a, b, c)\n"),
        ("x = (1, )\n", "x = (1,)\n"),
        ("d = {'a' :1}\n", "d = {'a': 1}\n"),
        ("def f(a : int)->int :\n    pass\n", "def f(a: int) -> int:\n    pass\n"),
        ("x = [\n    1,\n    2,\n]\n", "x = [\n    1,\n    2,\n]\n"),  # line breaks after commas stay
        ("y = x[1:2, ::3]\n", "y = x[1:2, ::3]\n"),  # slices are left alone
        ("f( a, [ 1 ], { 2 } )\n", "f(a, [1], {2})\n"),
        ("def g( a,b , c ): pass\n", "def g(a, b, c): pass\n"),
    ],
)
def test_punctuation(before: str, after: str) -> None:
    assert apply("punctuation", before) == after


def test_trailing_whitespace_outside_strings() -> None:
    before = 'x = 1   \n\n    \n# note   \ny = """a   \nb"""  \n'
    assert apply("trailing-whitespace", before) == 'x = 1\n\n\n# note\ny = """a   \nb"""\n'


def test_indentation_to_the_file_unit() -> None:
    before = "def f(x):\n  if x:\n    return [1,\n            2]\n  # done\n  return 0\n"
    after = apply("indentation", before, Style(indent="\t"))
    # a continuation line keeps its place relative to its block's indentation
    assert after == "def f(x):\n\tif x:\n\t\treturn [1,\n\t\t        2]\n\t# done\n\treturn 0\n"


def test_blank_lines_around_definitions() -> None:
    # where comments stand above a definition (`# about g`), its blank lines stay as written
    before = "import os\ndef f():\n    pass\n\n\n\n# about g\n\ndef g():\n    pass\nclass A:\n    x = 1\n    def m(self):\n        pass\nx = 1\n"
    after = apply("blank-lines", before)
    assert after == (
        "import os\n\n\ndef f():\n    pass\n\n\n\n# about g\n\ndef g():\n    pass\n\n\n"
        "class A:\n    x = 1\n\n    def m(self):\n        pass\n\n\nx = 1\n"
    )


def test_an_assert_message_keeps_its_space_and_a_trailing_semicolon_its_comment_gap() -> None:
    assert apply("punctuation", "assert x == 1, x\nf(a, b, )\n") == "assert x == 1, x\nf(a, b,)\n"
    once = apply("trailing-whitespace", "a(); b();   # note\n")
    assert once == "a(); b();  # note\n"
    assert apply("trailing-whitespace", once) == once


def test_rules_inside_a_span_touch_nothing_outside() -> None:
    code = "x=1\ny=2\nz=3\n"
    start, end = code.index("y"), code.index("z")
    rule = BY_NAME["operators"]
    assert rule.apply(libcst.parse_module(code), PEP8, (start, end)).code == "x=1\ny = 2\nz=3\n"
