"""Prompt layout: windows that stay put while typing, and the suffix-prefix-middle order of training."""

from __future__ import annotations

from pathlib import Path

from inkling import specials
from inkling.serving.checkpoint import load_checkpoint
from inkling.serving.prompt import WINDOW_STEP, Vocab, build_prompt, prefix_window, suffix_window
from inkling.serving.tokenizer import special_id


def test_prefix_window_starts_on_a_line_and_stays_put_while_typing() -> None:
    text = "".join(f"line_{i} = {i}\n" for i in range(2000))
    window = prefix_window(text, 5000)
    assert 5000 <= len(window) <= 5000 + WINDOW_STEP
    assert text.endswith(window) and text[len(text) - len(window) - 1] == "\n"
    typed = prefix_window(text + "abc", 5000)
    assert typed == window + "abc"  # same start: the cached tokens stay valid


def test_suffix_window_skips_the_rest_of_the_cursor_line() -> None:
    assert suffix_window(")\nreturn x\n", 100) == "\nreturn x\n"
    assert suffix_window(")", 100) == ""
    long = "\n" + "".join(f"y = {i}\n" for i in range(100))
    cut = suffix_window(long, 50)
    assert len(cut) <= 50 and long.startswith(cut) and long[len(cut)] == "\n"


def test_fim_layout_puts_the_suffix_first(tiny_model: Path) -> None:
    vocab = Vocab(load_checkpoint(tiny_model).tokenizer)
    tok = vocab.tokenizer
    prompt = build_prompt(vocab, "def f(x):\n    return x.lo", "\n\nprint(f(1))\n", 6000, 1000, fim=True)
    assert prompt.fim
    assert prompt.ids[:2] == [vocab.eot, special_id(tok, specials.FIM_SUFFIX)]
    assert prompt.ids[-1] == special_id(tok, specials.FIM_MIDDLE)
    assert special_id(tok, specials.FIM_PREFIX) in prompt.ids
    assert prompt.stem == b"lo"  # the half-typed word is healed
    plain = build_prompt(vocab, "x = ", "", 6000, 1000, fim=True)
    assert not plain.fim and plain.ids[0] == vocab.eot  # nothing after the cursor: the plain layout
