"""The syntax check parses only the statement around the cursor, never the whole file."""

from __future__ import annotations

from inkling.style.region import find_region

CURSOR = "▮"


def region_text(document: str, snippet: str = "") -> str:
    prefix, suffix = document.split(CURSOR)
    region = find_region(prefix, snippet, suffix)
    return region.before + snippet + region.rest + region.tail


LONG_FUNCTION = "def f(x):\n    a = 1\n    ▮\n" + "".join(f"    v{i} = {i}\n" for i in range(100))


def test_the_region_stops_at_the_next_complete_statement() -> None:
    assert region_text(LONG_FUNCTION, "b = 2") == "    b = 2\n"


def test_the_region_starts_at_the_statement_a_continuation_line_belongs_to() -> None:
    document = "def f(x):\n    total = compute(a,\n                    b▮\n    return total\n"
    assert region_text(document, ", c)") == "    total = compute(a,\n                    b, c)\n"


def test_a_clause_brings_in_its_compound_statement() -> None:
    document = "def f(x):\n    if x:\n        a = 1\n    ▮\n    return a\n"
    assert region_text(document, "else:") == "    if x:\n        a = 1\n    else:\n"


def test_a_block_header_keeps_its_first_body_line() -> None:
    document = "def f(x):\n    for item in x▮\n        total += item\n        count += 1\n"
    assert region_text(document, ":") == "    for item in x:\n        total += item\n"


def test_crlf_line_ends_become_newlines() -> None:
    document = "def f(x):\r\n    a = 1\r\n    ▮\r\n    return a\r\n"
    assert "\r" not in region_text(document, "b = 2")
