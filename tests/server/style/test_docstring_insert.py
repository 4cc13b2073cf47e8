"""Inserting a generated docstring with libcst: first in the body, in the file's triple quotes and indentation,
nothing else changed; never into a function that has one."""

from __future__ import annotations

import ast

import pytest

from inkling.style.docstring import docstring_literal, insert_docstring


def test_first_in_the_body_above_comments_and_in_the_body_indentation() -> None:
    source = "class A:\n  def f(self, x):\n    # keep\n    return x\n"
    assert insert_docstring(source, 2, "Return x") == (
        'class A:\n  def f(self, x):\n    """Return x."""\n    # keep\n    return x\n'
    )


def test_a_one_line_def_opens_into_a_block() -> None:
    changed = insert_docstring("def g(): return 1\n", 1, "One")
    assert changed == 'def g():\n    """One."""\n    return 1\n'


def test_the_files_single_quote_docstrings_and_tabs() -> None:
    source = "def a():\n\t'''Doc.'''\n\treturn 1\n\n\ndef b():\n\treturn 2\n"
    changed = insert_docstring(source, 6, "Two")
    assert changed == source.replace("def b():\n", "def b():\n\t'''Two.'''\n")


def test_decorated_and_async_functions() -> None:
    source = "@cache\nasync def load(path):\n    return await read(path)\n"
    changed = insert_docstring(source, 2, "Load the file")
    assert changed is not None and ast.get_docstring(ast.parse(changed).body[0]) == "Load the file."  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "source,line",
    [
        ('def f():\n    """Has one."""\n', 1),
        ("x = 1\n", 1),  # no function on the line
        ("def f(:\n", 1),  # not valid Python
    ],
)
def test_nothing_is_inserted(source: str, line: int) -> None:
    assert insert_docstring(source, line, "Text") is None


@pytest.mark.parametrize(
    "text,value",
    [
        ('Ends with a "quote"', 'Ends with a "quote".'),
        ("Return f(x)", "Return f(x)."),
        ('Has """ inside', 'Has """ inside.'),
        ("A back\\slash", "A back\\slash."),
        ("Ends with?", "Ends with?"),
        ("Two\n  lines", "Two lines."),
    ],
)
def test_any_text_stays_one_valid_string(text: str, value: str) -> None:
    literal = docstring_literal(text, '"""')
    assert "\n" not in literal and ast.literal_eval(literal) == value
