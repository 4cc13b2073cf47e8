"""The runtime's state cache: a keystroke feeds only new tokens, and answers match an uncached run."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.serving.checkpoint import load_checkpoint
from inkling.serving.decode import DecodeConfig
from inkling.serving.runtime import STRIDE, Runtime

FILE = Path(__file__).resolve().parents[2] / "conftest.py"


@pytest.fixture(scope="module")
def runtime(tiny_model: Path) -> Runtime:
    return Runtime(load_checkpoint(tiny_model))


def _typing(text: str) -> list[tuple[str, str]]:
    """(prefix, suffix) after each character of the last code line is typed."""
    cut = text.rstrip().rfind("\n") + 1
    line_end = text.find("\n", cut + 1)
    return [(text[: cut + i], text[line_end:]) for i in range(4, line_end - cut)]


@pytest.mark.parametrize("fim", [False, True])
def test_cached_answers_equal_fresh_ones(runtime: Runtime, tiny_model: Path, fim: bool) -> None:
    config = DecodeConfig(fill_in_the_middle=fim, beam_width=2)
    text = FILE.read_text(encoding="utf-8")
    for prefix, suffix in _typing(text)[:12]:
        cached = runtime.generate(prefix, suffix, "line", config, document="doc")
        fresh = Runtime(load_checkpoint(tiny_model)).generate(prefix, suffix, "line", config)
        assert cached is not None and fresh is not None
        assert [g.text for g in cached] == [g.text for g in fresh]
        assert cached[0].logprob == pytest.approx(fresh[0].logprob, abs=1e-4)


def test_a_keystroke_feeds_only_the_changed_tokens(runtime: Runtime) -> None:
    text = FILE.read_text(encoding="utf-8")
    steps = _typing(text)
    runtime.generate(*steps[0], "line", document="typing")
    first = runtime.fed_tokens
    runtime.generate(*steps[0], "line", document="typing")  # warm: the same prompt again
    fed = []
    for prefix, suffix in steps[1:10]:
        before = runtime.fed_tokens
        runtime.generate(prefix, suffix, "line", document="typing")
        fed.append(runtime.fed_tokens - before)
    assert first > 200  # the whole file went in once
    assert max(fed) <= 2 * STRIDE + 4  # then a keystroke re-feeds at most the last stride or two


def test_other_documents_do_not_share_state(runtime: Runtime) -> None:
    a = runtime.generate("import os\n\nx = os.", "\n", "line", document="a")
    b = runtime.generate("import os\n\nx = os.", "\n", "line", document="b")
    assert a is not None and b is not None and a[0].text == b[0].text


def test_cancelled_generation_returns_none(runtime: Runtime) -> None:
    assert runtime.generate("import os\n", "", "line", cancelled=lambda: True) is None


def test_word_mode_returns_identifiers(runtime: Runtime) -> None:
    found = runtime.generate(
        "import json\n\n\ndef load(path):\n    return json.lo", "\n", "word", DecodeConfig(beam_width=6)
    )
    assert found is not None and found
    assert all(g.text.isidentifier() or g.text == "" for g in found)
    assert [g.logprob for g in found] == sorted((g.logprob for g in found), reverse=True)


def test_a_block_never_starts_with_a_docstring() -> None:
    shipped = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
    runtime = Runtime(load_checkpoint(shipped))  # it starts most function bodies with a docstring
    found = runtime.generate(
        "import os\n\n\ndef total_size(paths):\n    ", "\n", "block", DecodeConfig(beam_width=3)
    )
    assert found is not None
    assert not any(g.text.lstrip().startswith(('"""', "'''")) for g in found)


def test_an_edit_far_back_reuses_the_states_before_it(runtime: Runtime) -> None:
    text = FILE.read_text(encoding="utf-8") * 3  # long enough for the sparse states far from the cursor
    config = DecodeConfig(context_chars=100_000)
    runtime.generate(text, "", "line", config, document="far")
    edited = text[:2000] + "# an edit\n" + text[2000:]
    before = runtime.fed_tokens
    runtime.generate(edited, "", "line", config, document="far")
    fed = runtime.fed_tokens - before
    total = len(runtime.vocab.tokenizer.encode(edited).ids)
    assert 0 < fed < total - 400  # the tokens before the edit (less one long stride) were not fed again


def test_a_cancelled_prompt_keeps_what_it_fed(runtime: Runtime) -> None:
    """While typing fast, every request may be cancelled before its prompt is in: none may start over."""
    text = FILE.read_text(encoding="utf-8")
    checks = iter(range(10**6))
    assert runtime.generate(text, "", "line", document="fast", cancelled=lambda: next(checks) >= 3) is None
    before = runtime.fed_tokens
    runtime.generate(text, "", "line", document="fast")
    total = len(runtime.vocab.tokenizer.encode(text).ids) + 1
    assert runtime.fed_tokens - before < total - 40  # the first request's tokens were not fed again
