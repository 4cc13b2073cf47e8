"""The name check: a suggestion may use what the document binds or uses, the builtins and what it binds
itself, and import only modules that exist; the document's analysis survives syntax errors and is cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.context import names
from inkling.context.names import NameCheck, known

CURSOR = "▮"


def problem(document: str, text: str, path: str | None = None) -> str | None:
    prefix, suffix = document.split(CURSOR)
    return NameCheck(path).problem(prefix, suffix, text)


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ("import os\n\ndef size(path):\n    return ▮\n", "os.path.getsize(path)"),  # import, parameter
        ("def f(items):\n    return ▮\n", "sorted(items, key=len, reverse=True)"),  # builtins, keywords
        ("def f(items):\n    return ▮\n", "[item.name for item in items if item]"),  # comprehension
        ("def f(items):\n    ▮\n", "total = 0\nfor item in items:\n    total += item\nreturn total"),
        ("def f(items):\n    return ▮\n", "max(items, key=lambda pair: pair[1])"),
        ("def f(path):\n    ▮\n", "with open(path) as handle:\n    return handle.read()"),
        ("def f(text):\n    ▮\n", "try:\n    return int(text)\nexcept ValueError as error:\n    raise error"),
        ("class Stack:\n    def push(self, item):\n        ▮\n", "self.items.append(item)"),  # attributes
        ("def f(x):\n    return ▮\n", "helper(x)"),  # defined further down the file
        ("def f(x):\n    return ▮\n", "'the ' + str(x)  # of it"),  # strings and comments
        ("x = compute(▮)\n", "value=1, other=2"),  # keyword arguments are not names
        ("# read the file\n▮\n", "def read(path):\n    with open(path) as f:\n        return f.read()"),
        ("from shapes import *\n\nprint(▮)\n", "circle(radius)"),  # `import *`: any name may exist
        ("def f():\n    '''Return ▮\n", "the sum of it'''"),  # inside a docstring
        ("def f():\n    # sum the ▮\n", "values of it"),  # inside a comment
        ("def f():\n    s = f'{x} and ▮'\n", "the rest"),  # inside a string
        ("def f():\n    if (n := len(data)) > 3:\n        return ▮\n", "n"),
        ("def f(a,\n      b,\n      ▮\n", "c=None):\n    return a or b or c"),  # a statement above goes on
    ],
)
def test_names_the_document_or_the_suggestion_has_pass(document: str, text: str) -> None:
    document += "\ndef helper(x):\n    return x\n"
    assert problem(document, text) is None


@pytest.mark.parametrize(
    ("document", "text", "reason"),
    [
        ("# list a folder\n▮\n", "def files(folder):\n    return os.listdir(folder)", "undefined name os"),
        ("def f(items):\n    return ▮\n", "the(items)", "undefined name the"),
        ("def f(items):\n    return ▮\n", "len(it)", "undefined name it"),
        ("def f(items):\n    ▮\n", "raise ValueError(f'bad: {length}')", "undefined name length"),
        ("class A:\n    def m(self):\n        return ▮\n", "self.x + y", "undefined name y"),
        (
            "from collections import OrderedDict\nx = ▮\n",
            "collections.Counter()",
            "undefined name collections",
        ),
        ("import os.path\nx = ▮\n", "path.join('a')", "undefined name path"),
        ("▮\n", "import sys.stdout", "unresolved import sys.stdout"),
        ("▮\n", "import nonexistent_mod_xyz", "unresolved import nonexistent_mod_xyz"),
        ("▮\n", "from nonexistent_mod_xyz import thing", "unresolved import nonexistent_mod_xyz"),
    ],
)
def test_names_nothing_has_are_found(document: str, text: str, reason: str) -> None:
    assert problem(document, text) == reason


def test_names_bound_in_other_scopes_are_known_too() -> None:
    # scopes are not told apart: a name any function binds counts, so only names found nowhere are dropped
    document = "def first(alpha):\n    beta = alpha\n\ndef second():\n    return ▮\n"
    assert problem(document, "alpha + beta") is None


def test_what_the_user_typed_on_the_line_counts() -> None:
    assert problem("def f():\n    frobnicate(▮)\n", "frobnicate") is None
    assert problem("def f():\n    for word in ▮\n", "words:") == "undefined name words"
    assert problem("def f():\n    for word in ▮\n", "text.split():\n        print(word)") == (
        "undefined name text"
    )


def test_a_half_typed_name_is_checked_whole() -> None:
    assert problem("def f(value):\n    return val▮\n", "ue") is None
    assert problem("def f(value):\n    return val▮\n", "ues") == "undefined name values"


def test_a_document_that_does_not_parse_still_defines_its_names() -> None:
    document = (
        "import json\n"
        "def load(path:\n"  # an unclosed bracket
        "    data = json.loads(open(path).read()\n"  # another
        "class Config(\n"
        "    def __init__(self, values):\n"
        "        self.values = values\n"
        "x = [1, 2,\n"
        "def use(cfg):\n"
        "    return ▮\n"
    )
    assert problem(document, "Config(load(cfg.path), data)") is None
    assert problem(document, "Config(loader(cfg.path))") == "undefined name loader"


def test_an_unclosed_docstring_above_does_not_hide_the_cursor_line() -> None:
    document = 'def f(a):\n    """Add one.\n    ▮\n'
    assert problem(document, "and the rest") is None  # still inside the docstring


def test_relative_imports_in_the_project(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "models.py").write_text("")
    path = str(tmp_path / "pkg" / "views.py")
    assert problem("▮\n", "from .models import User", path) is None
    assert problem("▮\n", "from .forms import Form", path) == "unresolved import .forms"
    assert problem("▮\n", "from pkg.models import User", path) is None


def test_the_documents_analysis_is_cached_and_kept_across_keystrokes_on_a_line() -> None:
    head = "".join(f"value_{i} = {i}\n" for i in range(2000))
    tail = "\nprint(value_1)\n"
    first = known(head, tail)
    assert known(head, tail) is first  # the next hypothesis, or the next keystroke on the same line
    assert {"value_0", "value_1999", "print"} <= first.names
    check = NameCheck(None)
    assert check.problem(head + "x = val", tail, "ue_7") is None
    assert check.problem(head + "x = val", tail, "ue_x") == "undefined name value_x"
    assert known(head, tail) is first
    changed = known(head + "extra = 1\n", tail)  # a new line: per-line results are reused
    assert "extra" in changed.names and len(names._plain) >= 2001


def test_a_huge_document_is_not_checked() -> None:
    assert NameCheck(None).problem("x" * (names.MAX_DOCUMENT_CHARS + 1), "", " undefined_thing") is None
