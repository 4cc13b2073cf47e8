"""`fits` accepts what the user could keep typing from and rejects what breaks the code around the cursor."""

from __future__ import annotations

from textwrap import dedent

from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.style.syntax import fits

CURSOR = "▮"


def check(document: str, snippet: str) -> bool:
    """`fits` for `snippet` typed at the ▮ in `document`."""
    prefix, suffix = document.split(CURSOR)
    return fits(prefix, snippet, suffix)


FUNCTION = dedent("""\
    import os


    def total(items):
        result = 0
        for item in items:
            ▮
        return result


    def other():
        return os.getcwd()
    """)


def test_a_valid_continuation_is_accepted() -> None:
    assert check(FUNCTION, "result += item")


def test_a_dangling_operator_is_rejected() -> None:
    assert not check(FUNCTION, "result += item +")


def test_a_body_with_a_dangling_operator_is_rejected_even_though_the_block_is_unfinished() -> None:
    # The empty block is the user's unfinished code, so it is repaired with `pass` for the comparison;
    # without that repair the file would look already broken and anything would pass.
    document = "def f(x):\n▮\n"
    assert not check(document, "    return x +")
    assert check(document, "    return x + 1")


def test_an_unfinished_block_header_is_accepted() -> None:
    assert check("def f(items):\n    for item in ▮\n\nprint(1)\n", "items:")
    assert check(FUNCTION, "if item:")  # line mode header, the body comes next
    assert check("def f(x):\n    ▮\n    return 1\n", "if x:")  # siblings follow at the same level


def test_brackets_the_user_still_has_to_close_are_accepted() -> None:
    assert check("x = compute(▮\ny = 2\n", "a, b")
    assert check("for i in range(▮\n", "10")  # the header still needs `):`
    assert not check("x = compute(▮\ny = 2\n", "a, b))")


def test_an_auto_closed_bracket_counts() -> None:
    assert check("print(▮)\n", "len(x)")
    assert not check("print(▮)\n", "len(x))")


def test_an_unterminated_string_opened_by_the_snippet_is_rejected() -> None:
    assert not check("x = ▮\n", '"hello')
    assert not check("def f():\n    ▮\n", '"""Return the total.')
    assert check("def f():\n    ▮\n", '"""Return the total."""')


def test_a_string_the_user_opened_may_stay_open() -> None:
    assert check('x = "hel▮\n', "lo")
    assert check('x = "hel▮\n', 'lo"')


def test_a_clause_at_a_lower_indentation_is_accepted() -> None:
    document = "def f(x):\n    if x:\n        a = 1\n    ▮\n    return a\n"
    assert check(document, "else:\n        a = 2")
    assert not check(document, "elif:\n        a = 2")


def test_syntax_errors_elsewhere_do_not_reject_every_suggestion() -> None:
    document = dedent("""\
        def broken(:
            return [

        def fine(x):
            return ▮

        class Also broken
        """)
    assert check(document, "x * 2")
    assert not check(document, "x *")  # the statement at the cursor is still checked


def test_in_an_already_broken_statement_only_new_token_errors_reject() -> None:
    document = "def f(:\n    return ▮\n"
    assert check(document, "x")
    assert not check(document, '"x')


def test_crlf_documents() -> None:
    document = FUNCTION.replace("\n", "\r\n")
    assert check(document, "result += item")
    assert not check(document, "result += item +")


def test_tab_indented_documents() -> None:
    document = "class A:\n\tdef f(self, x):\n\t\tif x:\n\t\t\t▮\n\t\treturn 2\n"
    assert check(document, "return 1")
    assert check(document, "return 1\n\t\telse:\n\t\t\treturn 3")
    assert not check(document, "return 1 +")


def test_decorators_stay_with_their_definition() -> None:
    assert check("@app.rou▮\ndef index():\n    return 1\n", 'te("/")')
    document = "@app.rou▮\n@login_required\ndef index():\n    return 1\n"
    assert check(document, 'te("/")')
    assert not check(document, 'te("/") +')


def test_a_five_megabyte_document_is_answered() -> None:
    block = FUNCTION.replace(CURSOR, "result += item")
    half = block * (2_500_000 // len(block))
    assert len(half) * 2 > 4_000_000
    assert fits(half + "x = ", "compute(1)", "\n" + half)
    assert not fits(half + "x = ", "compute(1))", "\n" + half)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(max_size=20), st.text(max_size=60))
def test_never_raises(prefix: str, snippet: str, suffix: str) -> None:
    assert fits(prefix, snippet, suffix) in (True, False)


def test_an_unfinished_try_is_accepted() -> None:
    assert check("def f():\n    ▮\n    return 1\n", "try:")
    assert check("def f():\n    try:\n        x = 1\n    ▮\n", "except ValueError:")


def test_a_snippet_between_an_if_and_its_else_is_rejected() -> None:
    document = "for i in range(3):\n    if i:\n        ▮\n    else:\n        pass\n"
    assert check(document, "continue")
    assert not check(document, "continue\n    x = 1")


def test_code_inside_a_string_is_not_taken_for_statements() -> None:
    document = "TEMPLATE = '''\ndef broken(:\n'''\n▮\n"
    assert check(document, "x = 1")
    assert not check(document, "x = 1 +")


def test_a_string_in_the_code_below_is_not_taken_for_statements() -> None:
    document = "def f(x):\n    if x:▮\n        sql = '''\nselect 1\n'''\n        return sql\n"
    assert check(document, "  # the query")
    assert not check(document, " +")


def test_a_try_block_below_is_kept_whole() -> None:
    body = "\n            y = 1\n            z = 2\n        except E:\n            pass\n"
    assert not check("def f(x):\n    if x:▮\n        try:" + body, " +")
    assert not check("def f(x):\n    if x:\n        try:▮" + body, " +")
    assert check("def f(x):\n    if x:\n        try:▮" + body, "  # note")


def test_a_bracket_the_snippet_opens_must_close() -> None:
    assert not check(FUNCTION, "result += sum(item, ")  # cut off mid-call: not something to accept
    assert check(FUNCTION, "result += sum(item)")
    assert check("x = foo(▮)\n", "a, b")  # the editor's closer finishes it
