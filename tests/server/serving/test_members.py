"""Decoding at a member-access point keeps to the names the receiver has: every hypothesis's identifier there
is one of them (whole, then anything), with token healing, and without names nothing changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inkling.serving.checkpoint import Checkpoint, load_checkpoint
from inkling.serving.decode import DecodeConfig
from inkling.serving.members import Members
from inkling.serving.runtime import Runtime

SHIPPED = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"


@pytest.fixture(scope="module")
def shipped() -> Checkpoint:
    return load_checkpoint(SHIPPED)


def _lines(runtime: Runtime, prefix: str, members: Members | None, width: int = 3) -> list[str]:
    found = runtime.generate(prefix, "\n", "line", DecodeConfig(beam_width=width, n_best=width), members=members)
    return [g.text for g in found or []]


@pytest.mark.parametrize(
    ("prefix", "names", "typed"),
    [
        ("import os\n\nsize = os.path.", {"getsize", "getmtime", "exists"}, ""),
        ("import os\n\nsize = os.path.ge", {"getsize", "getmtime", "exists"}, "ge"),
        ("import os\n\nsize = os.path.getsi", {"getsize", "getmtime"}, "getsi"),
        ("import json\n\ntext = json.", {"dumps", "loads"}, ""),
        ("class Box:\n    def area(self):\n        return self.", {"width", "height", "area"}, ""),
    ],
)
def test_every_hypothesis_names_a_legal_member(shipped: Checkpoint, prefix: str, names: set[str], typed: str) -> None:
    lines = _lines(Runtime(shipped), prefix, Members.of(names, typed))
    assert lines
    for line in lines:
        member = typed + re.match(r"\w*", line).group()  # type: ignore[union-attr]
        assert member in names, (line, names)


def test_a_name_the_model_would_not_pick_is_what_it_writes_when_it_is_the_only_one(shipped: Checkpoint) -> None:
    prefix = "import os\n\nvalue = os.path."
    free = _lines(Runtime(shipped), prefix, None, width=1)[0]
    assert not free.startswith("expandvars")
    (forced,) = _lines(Runtime(shipped), prefix, Members.of({"expandvars"}), width=1)
    assert forced.startswith("expandvars") and re.match(r"expandvars\W", forced + "\n")


def test_past_the_identifier_the_constraint_lets_go(shipped: Checkpoint) -> None:
    """After `os.path.join` the arguments are the model's own: the mask covers the name only."""
    (line,) = _lines(Runtime(shipped), "import os\n\nfull = os.path.", Members.of({"join"}), width=1)
    assert line.startswith("join(") and len(line) > len("join(")


@pytest.mark.parametrize("prefix", ["def f(a):\n    y = ", "def f(a):\n    y = zeb", "def f(a):\n    return (a, "])
def test_at_a_bare_name_the_scope_bonus_turns_identifiers_to_names_in_scope(shipped: Checkpoint, prefix: str) -> None:
    scope = Members.of({"zebra_quux", "a"}, re.search(r"\w*$", prefix).group())  # type: ignore[union-attr]
    config = DecodeConfig(beam_width=3, n_best=3, scope_bonus=30.0)
    found = Runtime(shipped).generate(prefix, "\n", "line", config, scope=scope)
    free = Runtime(shipped).generate(prefix, "\n", "line", DecodeConfig(beam_width=3, n_best=3), scope=scope)
    assert found and free
    typed = scope.typed.decode()
    for text in [typed + g.text for g in found]:
        name = re.match(r"[A-Za-z_]\w*", text)
        assert name is None or name.group() in {"zebra_quux", "a"}, text
    assert any(re.match(r"[A-Za-z_]\w*", typed + g.text) for g in free)  # the model alone names other things
    assert [g.text for g in found] != [g.text for g in free]
