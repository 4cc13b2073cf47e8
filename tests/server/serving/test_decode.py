"""Decoding: token healing continues a half-typed word, and the line and block stop rules hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.completion.gate import decide
from inkling.data.corpus import build_corpus
from inkling.serving.checkpoint import Checkpoint, load_checkpoint
from inkling.serving.decode import DecodeConfig
from inkling.serving.prompt import Vocab
from inkling.serving.runtime import Runtime
from inkling.serving.stops import repetition_start
from inkling.serving.tokenizer import save_tokenizer, train_tokenizer
from inkling.training.train import TrainConfig, train

SOURCE = """\
import os


def total_size(paths):
    result = 0
    for path in paths:
        result += os.path.getsize(path)
    return result


def first_existing(paths):
    for candidate in paths:
        if os.path.exists(candidate):
            return candidate
    return None
"""


@pytest.fixture(scope="module")
def memorized(tmp_path_factory: pytest.TempPathFactory) -> Checkpoint:
    """A tiny model that has learned one small file by heart (copies differ by a comment, so none is deduped)."""
    root = tmp_path_factory.mktemp("memo")
    src = root / "src"
    src.mkdir()
    for i in range(40):
        (src / f"mod{i}.py").write_text(f"# copy {i}\n{SOURCE}", encoding="utf-8")
    build_corpus([src], root / "corpus")
    save_tokenizer(train_tokenizer([SOURCE] * 5, vocab_size=300), root / "tok")
    config = TrainConfig(
        steps=400,
        batch_size=8,
        seq_len=32,
        lr=1e-2,
        eval_every=400,
        eval_tokens=500,
        fim_rate=0.0,
        docstring_rate=0.0,
    )
    train(root / "corpus", root / "tok", root / "model", config)
    return load_checkpoint(root / "model")


def _complete(loaded: Checkpoint, prefix: str, suffix: str = "\n", beam_width: int = 1) -> str:
    config = DecodeConfig(fill_in_the_middle=False, beam_width=beam_width)  # trained without FIM
    found = Runtime(loaded).generate(prefix, suffix, decide(prefix, suffix), config)
    assert found
    return found[0].text


def _cut(marker: str) -> str:
    return "# copy 3\n" + SOURCE[: SOURCE.index(marker) + len(marker)]


def test_rest_of_line(memorized: Checkpoint) -> None:
    assert _complete(memorized, _cut("result += ")) == "os.path.getsize(path)"


@pytest.mark.parametrize(
    "line_start,typed,rest",
    [
        ("        result += ", "os.pa", "th.getsize(path)"),
        ("        result += ", "os.path.gets", "ize(path)"),
        ("        result += ", "os.path.getsize(pa", "th)"),
        ("def total_size(paths):\n    ", "r", "esult = 0"),
        ("def total_size(paths):\n    ", "resu", "lt = 0"),
    ],
)
def test_half_typed_word_is_continued_not_restarted(
    memorized: Checkpoint, line_start: str, typed: str, rest: str
) -> None:
    """Token healing: the cut falls inside a BPE token, and the rest of the word still comes out."""
    assert _complete(memorized, _cut(line_start) + typed) == rest


def test_block_at_empty_block_start(memorized: Checkpoint) -> None:
    prefix = _cut("def first_existing(paths):\n")
    body = _complete(memorized, prefix, "\n")
    assert body.splitlines()[0] == "    for candidate in paths:"
    assert "return None" in body
    assert "def " not in body  # stops at the dedent to a new top-level statement


def test_line_mode_never_crosses_the_line(memorized: Checkpoint) -> None:
    for marker in ("import", "def total", "for path", "return"):
        assert "\n" not in _complete(memorized, _cut(marker))


def test_vocab_healing_mask(memorized: Checkpoint) -> None:
    vocab = Vocab(memorized.tokenizer)
    mask = vocab.compatible(b"ge")
    allowed = {vocab.bytes[i] for i in range(len(vocab.bytes)) if mask[i]}
    assert b"g" in allowed  # a shorter token that starts the owed text
    assert all(b.startswith(b"ge") or b"ge".startswith(b) for b in allowed)
    assert not any(mask[i] for i in vocab.special_ids)


def test_empty_prefix(memorized: Checkpoint) -> None:
    assert isinstance(_complete(memorized, ""), str)


def test_tiny_model_completes_real_code(tiny_model: Path) -> None:
    loaded = load_checkpoint(tiny_model)
    text = _complete(loaded, "import json\n\n\ndef load(path):\n    with open(path) as f:\n        return ")
    assert "\n" not in text


@pytest.mark.parametrize(
    "tokens,start",
    [
        ([1, 2, 3, 4], None),
        ([9, 5, 6, 5, 6, 5, 6], 3),  # unit (5, 6) three times: keep one copy
        ([9, 7, 7, 7, 7, 7], None),  # a one-token unit needs six copies
        ([9, 7, 7, 7, 7, 7, 7], 2),
        ([1, 2, 3, 1, 2, 3, 1, 2, 3], 3),
    ],
)
def test_repetition_start(tokens: list[int], start: int | None) -> None:
    assert repetition_start(tokens) == start


def _generate(loaded: Checkpoint, prefix: str, mode: str) -> str:
    found = Runtime(loaded).generate(prefix, "", mode, DecodeConfig(beam_width=2, max_lines=24))
    assert found
    return found[0].text


def test_a_body_runs_to_its_dedent_through_blank_lines(memorized: Checkpoint) -> None:
    body = _generate(memorized, _cut("def total_size(paths):\n    "), "body")
    assert body == SOURCE.split("def total_size(paths):\n    ")[1].split("\n\n\n")[0]


def test_code_after_a_comment_is_one_whole_statement(memorized: Checkpoint) -> None:
    code = _generate(memorized, _cut("import os\n\n\n"), "code")
    assert code == SOURCE[SOURCE.index("def total_size") : SOURCE.index("\n\n\ndef first_existing")]


@pytest.mark.parametrize(
    "mode,text,kept",
    [
        ("code", "x = 1\ny = 2\n\nz = 3", "x = 1\ny = 2"),  # simple statements end at a blank line
        ("code", "def f():\n    a = 1\n\n    return a\n\n\ndef g():", "def f():\n    a = 1\n\n    return a"),
        ("code", "call(\n    a,\n\n)\nx = 1\n\n", "call(\n    a,\n\n)\nx = 1"),  # brackets continue a line
        ("code", "if a:\n    b()\nelse:\n    c()\nd()", "if a:\n    b()\nelse:\n    c()"),  # one statement
        ("body", "a = 1\n\n    return a\nx = 2", "a = 1\n\n    return a"),  # base indent 4: dedent ends it
    ],
)
def test_code_and_body_stop_rules(mode: str, text: str, kept: str) -> None:
    from inkling.serving.stops import cut

    assert cut(text, mode, "    " if mode == "body" else "") == kept


def test_n_best_keeps_searching_until_that_many_lines_have_finished(memorized: Checkpoint) -> None:
    """A reranker needs several finished candidates; without n_best the search stops at the first best one."""
    runtime = Runtime(memorized)
    prefix = _cut("import ")
    one = runtime.generate(prefix, "", "line", DecodeConfig(beam_width=4)) or []
    four = runtime.generate(prefix, "", "line", DecodeConfig(beam_width=4, n_best=4)) or []
    assert len(four) >= 4 > len(one)
    assert four[0] == one[0]  # the best hypothesis is the same: n_best only adds the runners-up
