"""Style detection reads a file's own conventions, and keeps PEP 8's where the file gives no evidence."""

from __future__ import annotations

from textwrap import dedent

from inkling.style.detect import Style, detect

SINGLE_QUOTED_TABS = dedent(
    """\
    import os
    NAME = 'x'


    def f(a):
    \tif a:
    \t\treturn 'yes'
    \treturn "it's"
    """
)


def test_quotes_and_tabs() -> None:
    style = detect(SINGLE_QUOTED_TABS)
    assert style.quote == "'"  # "it's" had no choice and does not count
    assert style.indent == "\t"


def test_two_space_indentation_and_one_blank_line() -> None:
    source = 'class A:\n  x = "a"\n\n  def f(self):\n    return 1\n\n  def g(self):\n    if 1:\n      pass\n\ndef h():\n  pass\n\ndef i():\n  pass\n'
    style = detect(source)
    assert style.indent == "  "
    assert style.quote == '"'
    assert style.blank_lines_top == 1
    assert style.blank_lines_nested == 1


def test_trailing_commas_and_crlf() -> None:
    source = "x = [\r\n    1,\r\n    2,\r\n]\r\ny = f(\r\n    a,\r\n    b,\r\n)\r\n"
    style = detect(source)
    assert style.trailing_commas is True
    assert style.newline == "\r\n"
    assert detect("x = [\n    1,\n    2\n]\n").trailing_commas is False


def test_line_length_is_a_common_limit_the_file_keeps() -> None:
    lines = [f"x{i} = {'a' * 90!r}" for i in range(30)]  # 97 characters each
    assert detect("\n".join(lines) + "\n").line_length == 99


def test_one_definition_is_not_yet_a_habit() -> None:
    assert detect("import os\ndef f():\n    pass\n").blank_lines_top == 2


def test_defaults_for_a_file_that_says_nothing_and_for_broken_code() -> None:
    assert detect("") == Style()
    assert detect("x = (\n") == Style()  # unfinished: tokens up to the error still count (there are none)
    assert detect("def f(:\n    return 'a'\n").quote == "'"
