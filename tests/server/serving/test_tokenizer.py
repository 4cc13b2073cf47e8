"""The byte-level BPE tokenizer gives back exactly the text it was given."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from inkling import specials
from inkling.errors import InklingError
from inkling.serving.tokenizer import load_tokenizer, save_tokenizer, tokenizer_hash, train_tokenizer


@pytest.fixture(scope="module")
def tokenizer(tokenizer_dir: Path) -> Tokenizer:
    return load_tokenizer(tokenizer_dir)


@pytest.mark.parametrize(
    "text",
    [
        "def f(x):\n\treturn x  # tab-indented\n",
        "class A:\r\n    pass\r\n",
        "s = 'héllo wörld ✓ 𝔘 日本語'\n",
        "   \n\n\t\t \r\n",
        "\x00\x01\x7f binary-ish",
        f"{specials.FIM_PREFIX}a = 1{specials.FIM_SUFFIX}{specials.FIM_MIDDLE}b{specials.EOT}",
    ],
)
def test_round_trip_is_exact(tokenizer: Tokenizer, text: str) -> None:
    assert tokenizer.decode(tokenizer.encode(text).ids, skip_special_tokens=False) == text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_round_trip_any_text(tokenizer_dir: Path, text: str) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    assert tokenizer.decode(tokenizer.encode(text).ids, skip_special_tokens=False) == text


def test_special_tokens_are_single_tokens(tokenizer: Tokenizer) -> None:
    for token in specials.ALL:
        assert len(tokenizer.encode(token).ids) == 1


def test_learns_python_words(tokenizer: Tokenizer) -> None:
    assert len(tokenizer.encode("return self").ids) <= 3


def test_save_load_and_hash(tmp_path: Path) -> None:
    tok = train_tokenizer(["def foo():\n    return 1\n"] * 20, vocab_size=300)
    save_tokenizer(tok, tmp_path)
    again = load_tokenizer(tmp_path)
    assert tokenizer_hash(again) == tokenizer_hash(tok)
    other = train_tokenizer(["while True:\n    break\n"] * 20, vocab_size=300)
    assert tokenizer_hash(other) != tokenizer_hash(tok)


def test_bad_tokenizer_files(tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="no tokenizer"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InklingError, match="cannot read"):
        load_tokenizer(tmp_path)
    with pytest.raises(InklingError, match="too small"):
        train_tokenizer(["x"], vocab_size=100)
