"""The gate picks block mode only at the start of an empty block, and nothing inside a word or a line."""

from __future__ import annotations

import pytest

from inkling.completion.gate import decide


@pytest.mark.parametrize(
    "prefix,suffix,mode",
    [
        ("def f(x):\n    ", "\n", "block"),
        ("def f(x):\n", "\n\nx = 1\n", "block"),
        ("if ok:  # note\n\t", "", "block"),
        ("def f(x):\n    ", "\n    return x\n", "line"),  # the block already has a body
        ("def f(x):\n    ret", "\n", "line"),  # half-typed line
        ("x = foo(", ")\n", "line"),
        ("x = 1\n", "", "line"),  # not after a colon
        ("", "", "line"),
        ("def f(x):\n    ", "pass\n", "none"),  # code right of the cursor
        ("x = fo", "o\n", "none"),  # inside a word
        ("print(", "value)\n", "none"),  # inside a line's text
        ('x = ["', '"]\n', "line"),  # only auto-closed characters after the cursor
    ],
)
def test_decide(prefix: str, suffix: str, mode: str) -> None:
    assert decide(prefix, suffix) == mode


def test_multiline_off_never_offers_a_block() -> None:
    assert decide("def f(x):\n    ", "\n", multiline=False) == "line"
