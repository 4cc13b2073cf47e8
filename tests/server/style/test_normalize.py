"""normalize: meaning and the text outside the span never change, a second run changes nothing, and bad
input is reported, never raised."""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.style.detect import Style, detect
from inkling.style.normalize import normalize

MESSY = dedent(
    """\
    import os
    def total(paths,extra = 0) :
      size=0   # running total{TRAILING}
      for p in paths :
        size+=os.path.getsize( p )
      return {'size' :size,'extra':extra}
    class Box :
      '''A box.'''
      def open(self,force = False)->bool :
        return force or self.size>0
    """
).replace("{TRAILING}", "   ")


def test_a_messy_file_comes_out_in_pep8_style() -> None:
    result = normalize(MESSY, Style())
    assert result.status == "changed"
    assert result.rejected == ()
    assert result.code == dedent(
        """\
        import os


        def total(paths, extra=0):
            size = 0  # running total
            for p in paths:
                size += os.path.getsize(p)
            return {"size": size, "extra": extra}


        class Box:
            \"\"\"A box.\"\"\"

            def open(self, force=False) -> bool:
                return force or self.size > 0
        """
    )
    assert normalize(result.code, Style()).status == "unchanged"


def test_comments_and_string_contents_are_untouched() -> None:
    code = "x = 'a  =  b'  # keep  'quotes'  and  spacing\ns = '''\n  x=1   \n'''\n"
    result = normalize(code, Style())
    assert "'a  =  b'" not in result.code and '"a  =  b"' in result.code  # the literal's quotes only
    assert "# keep  'quotes'  and  spacing" in result.code
    assert '"""\n  x=1   \n"""' in result.code


def test_crlf_and_tabs_are_kept() -> None:
    code = "def f(a):\r\n\tif a==1:\r\n\t\treturn 'x'\r\n"
    result = normalize(code, detect(code))
    assert result.code == "def f(a):\r\n\tif a == 1:\r\n\t\treturn 'x'\r\n"


def test_a_span_limits_the_change() -> None:
    code = "a=1\nb=[1 ,2]\nc=3\n"
    start = code.index("b")
    end = code.index("c")
    result = normalize(code, Style(), (start, end))
    assert result.code == "a=1\nb = [1, 2]\nc=3\n"


def test_invalid_code_is_skipped_with_a_reason() -> None:
    result = normalize("def f(:\n", Style())
    assert result.status == "skipped"
    assert result.code == "def f(:\n"
    assert "line 1" in result.reason


def test_a_rule_that_breaks_meaning_is_thrown_away(monkeypatch: pytest.MonkeyPatch) -> None:
    from inkling.style.rules import quotes

    monkeypatch.setattr(quotes, "requote", lambda literal, quote: literal[:-2] + literal[-1])  # drops a char
    result = normalize("x = 'ab'\ny=1\n", Style())
    assert result.rejected == ("quotes",)
    assert result.code == "x = 'ab'\ny = 1\n"  # the other rules still ran


def test_a_bug_is_a_failure_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from inkling.style.rules.operators import Operators

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Operators, "apply", broken)
    result = normalize("x=1\n", Style())
    assert result.status == "failed"
    assert result.code == "x=1\n"
    assert "boom" in result.reason


# Property: take real statements, scramble their formatting in ways that keep the meaning, and check that
# normalize keeps the meaning, is idempotent, and reaches the same code whatever the scrambling was.
STATEMENTS = [
    "x = f(a, b=1)",
    "y = {'k': [1, 2], \"j\": (3,)}",
    "if a == b and not c:\n    pass",
    "def g(a, b: int = 2, *args, **kw) -> int:\n    return a + b * 2",
    "z = s[1:2] + t[::2]",
    "class K(Base):\n    def m(self):\n        return self.x\n    def n(self):\n        return 'n'",
    "w = lambda v: v * 2 + (v**2)",  # `**` is left as written: not scrambled here
    "for i, j in zip(a, b):\n    total += i - j",
]


def _scramble(code: str, choices: list[int]) -> str:
    out = []
    for i, char in enumerate(code):
        pick = choices[i % len(choices)]
        if char == " " and pick == 0 and code[i - 1] not in "\n *" and not code[i - 1].isalnum():
            out.append("  ")  # a doubled gap after punctuation or an operator
        elif char == "," and pick == 1:
            out.append(" ,")
        elif char == "=" and pick == 2 and out and out[-1] == " ":
            out.append("=")
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    statements=st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=5),
    choices=st.lists(st.integers(0, 3), min_size=1, max_size=8),
    quote=st.sampled_from(['"', "'"]),
    indent=st.sampled_from(["    ", "  ", "\t"]),
)
def test_meaning_is_kept_and_a_second_run_changes_nothing(
    statements: list[str], choices: list[int], quote: str, indent: str
) -> None:
    original = "\n".join(statements) + "\n"
    scrambled = _scramble(original, choices)
    ast.parse(scrambled)  # the scrambling itself keeps valid code
    style = Style(quote=quote, indent=indent)
    once = normalize(scrambled, style)
    assert once.status in ("changed", "unchanged")
    assert ast.dump(ast.parse(once.code)) == ast.dump(ast.parse(original))
    assert normalize(once.code, style).code == once.code
    assert once.code == normalize(original, style).code
