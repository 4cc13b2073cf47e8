"""Member names at a member-access point: where one is (member_point) and what jedi says is legal there."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inkling.context.member_point import MemberPoint, member_point
from inkling.context.members import MemberAnalyzer

GENEROUS_MS = 20_000.0  # jedi's first call loads its builtins; CI machines are slow and shared


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("os.path.getsi", MemberPoint("os.path", "getsi")),
        ("        self.", MemberPoint("self", "")),
        ("foo(a).ba", MemberPoint("foo(a)", "ba")),
        ('x = d["k.v"].ke', MemberPoint('d["k.v"]', "ke")),
        ("import os; os.pa", MemberPoint("os", "pa")),
        ("first line\n    return (a + b).", MemberPoint("(a + b)", "")),
        ("x = 1.", None),
        ('"a.b', None),
        ("# os.pa", None),
        ("x = 1  # os.pa", None),
        ("from . import x", None),
        ("from .", None),
        ("import os.pa", None),
        ("x = ...", None),
        ("os. ", None),
        ("foo(\n  a).", None),
    ],
)
def test_member_point(prefix: str, expected: MemberPoint | None) -> None:
    assert member_point(prefix) == expected


@pytest.fixture(scope="module")
def analyzer() -> Iterator[MemberAnalyzer]:
    result = MemberAnalyzer()
    yield result
    result.close()


def _end(source: str) -> tuple[int, int]:
    lines = source.split("\n")
    return len(lines) - 1, len(lines[-1])


def _names(
    analyzer: MemberAnalyzer, uri: str, source: str, budget_ms: float = GENEROUS_MS
) -> frozenset[str] | None:
    line, column = _end(source)
    return analyzer.names(uri, source, line, column, budget_ms=budget_ms)


def test_module_attribute_members_unfiltered_by_the_partial(analyzer: MemberAnalyzer) -> None:
    names = _names(analyzer, "file:///a.py", "import os\nos.path.getsi")
    assert names is not None
    assert {"getsize", "join", "exists"} <= names


def test_stdlib_module_function(analyzer: MemberAnalyzer) -> None:
    names = _names(analyzer, "file:///b.py", "import json\njson.du")
    assert names is not None and {"dumps", "loads"} <= names


CLASS = """\
class Box:
    def __init__(self):
        self.width = 1

    def area(self):
        return self."""


def test_self_gives_the_class_own_attributes_and_methods(analyzer: MemberAnalyzer) -> None:
    names = _names(analyzer, "file:///c.py", CLASS)
    assert names is not None and {"width", "area", "__init__"} <= names


def test_an_edit_above_the_line_recomputes_and_typing_on_it_reuses(analyzer: MemberAnalyzer) -> None:
    before = _names(analyzer, "file:///d.py", CLASS)
    assert before is not None and "height" not in before
    # Typing on the same line: same receiver, same text above → answered from the cache at once.
    assert _names(analyzer, "file:///d.py", CLASS + "wi", budget_ms=0.001) == before
    edited = CLASS.replace("self.width = 1", "self.width = 1\n        self.height = 2")
    after = _names(analyzer, "file:///d.py", edited)
    assert after is not None and {"width", "height", "area"} <= after


def test_a_package_importing_itself_by_its_absolute_name(analyzer: MemberAnalyzer, tmp_path: Path) -> None:
    package = tmp_path / "project" / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "prices.py").write_text("def with_tax(amount):\n    return amount * 1.2\n")
    source = "from shop import prices\n\ntotal = prices.wi"
    (package / "cart.py").write_text(source)
    line, column = _end(source)
    names = analyzer.names(
        (package / "cart.py").as_uri(), source, line, column, str(package / "cart.py"), budget_ms=GENEROUS_MS
    )
    assert names is not None and "with_tax" in names


def test_unresolvable_receiver_is_none(analyzer: MemberAnalyzer) -> None:
    assert _names(analyzer, "file:///e.py", "x = 1\nundefined_thing.") is None


def test_not_a_member_point_is_none(analyzer: MemberAnalyzer) -> None:
    assert _names(analyzer, "file:///f.py", "x = 1.") is None
    assert _names(analyzer, "file:///f.py", "import os.pa") is None


def test_a_missed_budget_fills_the_cache_for_the_next_call(analyzer: MemberAnalyzer) -> None:
    source = "import string\nvalue = string.asc"
    assert _names(analyzer, "file:///g.py", source, budget_ms=0.001) is None
    deadline = time.monotonic() + 15
    names = None
    while names is None and time.monotonic() < deadline:
        time.sleep(0.1)
        names = _names(analyzer, "file:///g.py", source, budget_ms=0.001)
    assert names is not None and "ascii_letters" in names


def test_warm_returns_at_once_and_does_not_break_names() -> None:
    fresh = MemberAnalyzer()
    try:
        source = "import os\nimport json\n\n" + "x = 1\n" * 2000 + "os.path."
        started = time.perf_counter()
        fresh.warm("file:///h.py", source)
        assert time.perf_counter() - started < 0.05
        names = _names(fresh, "file:///h.py", source)
        assert names is not None and "join" in names
    finally:
        fresh.close()


def test_huge_documents_are_refused_without_jedi(analyzer: MemberAnalyzer) -> None:
    source = "x = 1\n" * 900_000 + "import os\nos."
    started = time.perf_counter()
    assert _names(analyzer, "file:///i.py", source) is None
    assert time.perf_counter() - started < 1.0
    analyzer.warm("file:///i.py", source)  # refused too, and at once


@pytest.mark.parametrize(
    "source",
    [
        "import os\ndef broken(:\n    return )\nclass\nos.",
        "x = " + "(" * 3000 + "\nimport os\nos.",
        "x = [" * 200 + "\nimport os\nos.",
        "import os\n\x00\x01os.",
    ],
)
def test_hostile_files_never_raise(analyzer: MemberAnalyzer, source: str) -> None:
    result = _names(analyzer, "file:///j.py", source, budget_ms=10_000)
    assert result is None or isinstance(result, frozenset)


def test_positions_past_the_end_are_none(analyzer: MemberAnalyzer) -> None:
    assert analyzer.names("file:///k.py", "import os\nos.", 5, 0) is None
    assert analyzer.names("file:///k.py", "import os\nos.", 1, 50) is None
    assert analyzer.names("file:///k.py", "import os\nos.", -1, 0) is None


def test_closed_analyzer_answers_none() -> None:
    closed = MemberAnalyzer()
    closed.close()
    assert _names(closed, "file:///l.py", "import os\nos.") is None


def test_jedi_runs_in_a_child_process_and_a_dead_one_is_replaced() -> None:
    """The analysis never loads jedi into the caller's process (its work would hold the interpreter lock
    the model thread needs), and a child that died is started again on the next call."""
    script = (
        "import sys\n"
        "from inkling.context.members import MemberAnalyzer\n"
        "analyzer = MemberAnalyzer()\n"
        "source = 'import os\\nos.path.getsi'\n"
        "first = analyzer.names('file:///a.py', source, 1, 13, budget_ms=60000)\n"
        "analyzer._jedi._process.kill()\n"
        "second = analyzer.names('file:///b.py', source, 1, 13, budget_ms=60000)\n"
        "print('getsize' in first, 'getsize' in second, 'jedi' in sys.modules)\n"
        "analyzer.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "True", "False"], done.stdout + done.stderr[-2000:]


def test_stats_count_how_each_call_was_answered_and_what_jedi_cost() -> None:
    fresh = MemberAnalyzer()
    try:
        empty = fresh.stats()
        assert (empty["calls"], empty["jobs"], empty["jediMs"]["p50"]) == (0, 0, None)
        source = "import os\nos.path.getsi"
        assert _names(fresh, "file:///m.py", source) is not None  # computed within a generous budget
        assert _names(fresh, "file:///m.py", source + "z") is not None  # the same receiver: from the cache
        assert _names(fresh, "file:///m.py", "x = 1.") is None  # not a member point: not counted
        missed = "import string\nstring.asc"
        assert _names(fresh, "file:///n.py", missed, budget_ms=0.0) is None  # the budget ran out
        deadline = time.monotonic() + 15
        while fresh.stats()["jobs"] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the missed job finishes in the background
        stats = fresh.stats(samples=True)
        assert (stats["calls"], stats["inTime"], stats["cached"], stats["missed"]) == (3, 1, 1, 1)
        assert (stats["jobs"], stats["failed"], stats["dropped"]) == (2, 0, 0)
        assert stats["waitMs"]["count"] == 3 and len(stats["waitMs"]["samples"]) == 3
        jedi = stats["jediMs"]
        assert jedi["count"] == 2 and 0 < jedi["p50"] <= jedi["p95"] <= jedi["max"]
        assert all(a >= j for a, j in zip(stats["answerMs"]["samples"], jedi["samples"], strict=True))
        assert "samples" not in fresh.stats()["jediMs"]
        fresh.warm("file:///o.py", "import json\njson.")
        while fresh.stats()["warmJobs"] < 3 and time.monotonic() < deadline:  # builtins, the parse, json
            time.sleep(0.05)
        assert fresh.stats()["warmMs"]["count"] == 3
    finally:
        fresh.close()
