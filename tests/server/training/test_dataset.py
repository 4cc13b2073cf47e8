"""Training and evaluation batches: TBPTT windows over a stream, and evaluation rows aligned to documents."""

from __future__ import annotations

from pathlib import Path

import torch

from inkling import specials
from inkling.data.transforms import TransformConfig
from inkling.serving.tokenizer import load_tokenizer
from inkling.training import dataset

TEXTS = ["import os\n", "def f(x):\n    return x\n" * 5, "x = 1\n" * 30, "class A:\n    pass\n"]


def test_windows_cover_the_stream_with_shifted_targets(tokenizer_dir: Path) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    stream = dataset.encode_stream(tokenizer, TEXTS)
    rows = dataset.batchify(stream, 2)
    seen = []
    for index in range(dataset.num_windows(rows, 7)):
        x, y = dataset.window(rows, index, 7)
        assert torch.equal(x[:, 1:], y[:, :-1])
        seen.append(x)
    assert torch.equal(torch.cat(seen, dim=1), rows[:, :-1])


def test_epoch_stream_is_deterministic_per_epoch(tokenizer_dir: Path) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    config = TransformConfig()
    a = dataset.epoch_stream(tokenizer, TEXTS * 5, seed=1, epoch=0, transforms=config)
    b = dataset.epoch_stream(tokenizer, TEXTS * 5, seed=1, epoch=0, transforms=config)
    c = dataset.epoch_stream(tokenizer, TEXTS * 5, seed=1, epoch=1, transforms=config)
    assert (a == b).all()
    assert len(a) != len(c) or not (a == c).all()


def test_document_rows_start_at_documents_and_pad_at_the_end(tokenizer_dir: Path) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    eot = tokenizer.token_to_id(specials.EOT)
    rows = dataset.document_rows(tokenizer, TEXTS, n_rows=2)
    assert rows.shape[0] == 2
    assert (rows[:, 0] == eot).all()
    decoded = []
    for row in rows:
        real = row[row != dataset.PAD]
        assert (row[len(real) :] == dataset.PAD).all()  # padding only after the real tokens
        decoded.append(tokenizer.decode(real.tolist(), skip_special_tokens=False))
    pieces = sorted(p for text in decoded for p in text.split(specials.EOT) if p)
    assert pieces == sorted(TEXTS)


def test_document_rows_stop_after_max_tokens(tokenizer_dir: Path) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    rows = dataset.document_rows(tokenizer, TEXTS, n_rows=4, max_tokens=5)
    assert rows.shape[0] == 1  # the first document alone reaches the budget
