"""Before the dot: a request right after a receiver that the document dots elsewhere starts the analysis of its
members, so that the request at the dot finds them even with no time to wait for jedi."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.settings import Settings

MODEL = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
HEAD = "import os\n\n\ndef size(path):\n    return os.path.getsize(path)\n\n\ndef parent(path):\n    return "
URI = "file:///work/paths.py"


@pytest.fixture()
def engine() -> Iterator[Engine]:
    # No time for jedi on the keystroke: only what was prefetched (or cached) constrains.
    result = Engine(MODEL, Settings(analysis_budget_ms=0.0))
    yield result
    result.close()


def _jobs(engine: Engine) -> int:
    return int(engine.analyzer.stats()["jobs"])


def _wait_for_jobs(engine: Engine, count: int) -> None:
    deadline = time.monotonic() + 30
    while _jobs(engine) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_receiver_before_the_dot_is_analysed_for_the_dot(engine: Engine) -> None:
    # `os.path` is itself a member point (of `os`): that job and the prefetch of `os.path.` run
    engine.members(Request(HEAD + "os.path", "\n", URI))
    _wait_for_jobs(engine, 2)
    members = engine.members(Request(HEAD + "os.path.", "\n", URI))
    assert members is not None and b"dirname" in members.names
    assert engine.analyzer.stats()["cached"] == 1


def test_no_prefetch_inside_a_name_or_for_a_receiver_never_dotted(engine: Engine) -> None:
    engine.members(Request(HEAD + "os.pa", "th\n", URI))  # the cursor is inside `os.path`
    engine.members(Request(HEAD + "path", "\n", URI))  # `path.` is nowhere in the document
    engine.members(Request(HEAD + "# os.path", "\n", URI))  # a comment
    time.sleep(0.5)
    assert _jobs(engine) == 0
