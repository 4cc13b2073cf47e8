"""Where the scope bonus applies: at a bare name (its typed start, the document's names, builtins and keywords),
not after a dot, in a comment or in a string, and not at all with scopeBonus 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.settings import Settings

MODEL = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
HEAD = "import os\n\ndef load(invoice_path):\n"


@pytest.mark.parametrize(("line", "typed"), [("    return inv", "inv"), ("    x = (", ""), ("    ", "")])
def test_a_bare_name_gets_the_documents_names(line: str, typed: str) -> None:
    scope = Engine(MODEL, Settings(scope_bonus=2.0)).scope(Request(HEAD + line, "\n"))
    assert scope is not None and scope.typed == typed.encode()
    assert {b"invoice_path", b"os", b"load", b"len", b"return"} <= scope.names


@pytest.mark.parametrize("line", ["    return os.pa", "    # see inv", "    x = 'inv", "    x = 1.5e"])
def test_no_bonus_after_a_dot_in_a_comment_or_a_string(line: str) -> None:
    assert Engine(MODEL, Settings(scope_bonus=2.0)).scope(Request(HEAD + line, "\n")) is None


def test_off_at_zero() -> None:
    assert Engine(MODEL, Settings(scope_bonus=0.0)).scope(Request(HEAD + "    return inv", "\n")) is None
