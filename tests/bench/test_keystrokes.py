"""Keystrokes saved, on hand-checked replays with fake predictors and once through a tiny real engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.keystrokes import KeystrokeConfig, Replay, capped, replay, replay_engine, total

TEXT = "x = foo(a)\nreturn x\n"  # 20 characters: two lines of 10 and 8, two line endings


def rest_of_line(prefix: str, suffix: str) -> str:
    """An oracle: the true rest of the current line of TEXT (and the next line, which must not count)."""
    rest = TEXT[len(prefix) :]
    return rest.split("\n", 1)[0] + "\nnever accepted"


def test_an_oracle_is_accepted_once_per_line() -> None:
    result = replay("t.py", TEXT, rest_of_line)
    # Accept "x = foo(a)", type "\n", accept "return x", type "\n".
    assert (result.chars, result.typed, result.accepted, result.accepted_chars) == (20, 2, 2, 18)
    assert result.requests == 2  # nothing is asked at a line's end
    assert result.saved == pytest.approx(100 * (20 - 2 - 2) / 20)


def test_no_suggestion_or_a_wrong_one_saves_nothing() -> None:
    for predict in (lambda p, s: "", lambda p, s: "zzz", lambda p, s: "   \n", lambda p, s: "x = foo(a) + 1"):
        result = replay("t.py", TEXT, predict)
        assert (result.typed, result.accepted, result.saved) == (20, 0, 0.0)
        assert result.requests == 18  # every character that has a rest of its line after it


def test_one_character_at_a_time_costs_as_much_as_typing() -> None:
    result = replay("t.py", TEXT, lambda prefix, suffix: TEXT[len(prefix)])
    assert (result.typed, result.accepted, result.saved) == (2, 18, 0.0)


def test_a_late_right_guess_saves_the_rest() -> None:
    # Right only once "ret" is typed: type 11 + 3 characters, accept "urn x", type "\n".
    def predict(prefix: str, suffix: str) -> str:
        return "urn x" if prefix.endswith("\nret") else "nope"

    result = replay("t.py", TEXT, predict)
    assert (result.typed, result.accepted, result.accepted_chars) == (15, 1, 5)
    assert result.saved == pytest.approx(100 * (20 - 15 - 1) / 20)


def test_the_suffix_is_the_line_ending_and_the_lines_below() -> None:
    seen: list[tuple[str, str]] = []

    def record(prefix: str, suffix: str) -> str:
        seen.append((prefix, suffix))
        return ""

    crlf = "a = 1\r\nb = 2\r\n"
    result = replay("t.py", crlf, record)
    assert result.requests == 10 and result.typed == len(crlf)  # never asked in front of "\r\n"
    assert seen[0] == ("", "\r\nb = 2\r\n") and seen[5] == ("a = 1\r\n", "\r\n")
    seen.clear()
    replay("t.py", crlf, record, KeystrokeConfig(following_lines=False))
    assert {suffix for _, suffix in seen} == {""}


def test_the_oracle_on_crlf_line_endings() -> None:
    text = "ab\r\ncd"

    def oracle(prefix: str, suffix: str) -> str:
        return text[len(prefix) :].split("\r\n", 1)[0]

    result = replay("t.py", text, oracle)
    assert (result.chars, result.typed, result.accepted) == (6, 2, 2)


def test_capping_keeps_whole_lines() -> None:
    assert capped(TEXT, 0) == TEXT
    assert capped(TEXT, 15) == "x = foo(a)\n"
    assert capped(TEXT, 5) == "x = f"  # the first line alone is longer
    assert replay("t.py", TEXT, rest_of_line, KeystrokeConfig(max_chars=15)).chars == 11


def test_totals_weigh_files_by_their_characters() -> None:
    a = Replay("a", chars=100, typed=50, accepted=10, accepted_chars=50, requests=60, seconds=1.0)
    b = Replay("b", chars=300, typed=300, accepted=0, accepted_chars=0, requests=300, seconds=2.0)
    both = total([a, b])
    assert (both.chars, both.keystrokes, both.requests, both.seconds) == (400, 360, 360, 3.0)
    assert both.saved == pytest.approx(10.0)
    assert total([]).saved == 0.0


def test_replay_through_the_engine_reuses_its_state_cache(tiny_model: Path) -> None:
    from inkling.completion.engine import Engine

    engine = Engine(tiny_model)
    text = "import os\n\n\n" + "".join(
        f"def f{i}(path):\n    return os.path.join(path, 'x')\n\n" for i in range(4)
    )
    result = replay_engine(engine, "t.py", text)
    assert result.chars == len(text) == result.typed + result.accepted_chars
    assert result.requests > 0 and 0.0 <= result.saved < 100.0
    fed = engine.runtime.fed_tokens
    prompts = result.requests * len(engine.runtime.checkpoint.tokenizer.encode(text).ids)
    assert fed < prompts / 8  # each keystroke fed only its new tokens, not the whole prompt again
    assert "keystrokes:t.py" not in engine.runtime._cache  # forgotten afterwards
