"""Sampled softmax: the full softmax when the sample covers the vocabulary, and a model trained with it learns."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from inkling.errors import InklingError
from inkling.serving.checkpoint import load_checkpoint
from inkling.serving.config import ModelConfig
from inkling.serving.inference import InferenceModel
from inkling.training.model import RNNLanguageModel
from inkling.training.sampled import SampledLoss, sampling_distribution, token_counts
from inkling.training.train import TrainConfig, train


def test_a_sample_of_the_whole_vocabulary_gives_the_full_softmax_loss() -> None:
    torch.manual_seed(0)
    model = RNNLanguageModel(ModelConfig(vocab_size=40, n_embd=8, n_hidden=12, n_layers=1, cell="gru")).eval()
    x, y = torch.randint(0, 40, (3, 7)), torch.randint(0, 40, (3, 7))
    hidden = model.init_hidden(3)
    logits, _ = model(x, hidden)
    full = F.cross_entropy(logits.reshape(-1, 40), y.reshape(-1))
    # 100,000 draws take every token of 40 near-uniform ones; each one's inclusion chance rounds to 1.
    loss, _ = SampledLoss(model, sampling_distribution(token_counts(y, 40)), samples=100_000)(x, y, hidden)
    assert loss.item() == pytest.approx(full.item(), rel=1e-5)


def test_a_small_sample_gives_a_finite_loss_and_gradients_to_every_part() -> None:
    torch.manual_seed(0)
    model = RNNLanguageModel(ModelConfig(vocab_size=300, n_embd=8, n_hidden=12, n_layers=1, cell="gru"))
    x, y = torch.randint(0, 300, (4, 16)), torch.randint(0, 300, (4, 16))
    loss, _ = SampledLoss(model, sampling_distribution(token_counts(y, 300)), samples=60)(x, y, model.init_hidden(4))
    loss.backward()  # type: ignore[no-untyped-call]
    for grad in (model.embed.weight.grad, model.rnn.weight_hh_l0.grad, model.head.bias.grad):
        assert grad is not None and torch.isfinite(grad).all() and grad.abs().sum() > 0
    # An untrained model's loss over the target and about 55 distinct sampled tokens: about ln 56, not ln 300.
    assert 3.0 < loss.item() < 5.0


def test_frequent_tokens_are_sampled_more_often() -> None:
    rows = torch.tensor([[0, 0, 0, 0, 1, 2, -1]])  # -1 is padding
    probs = sampling_distribution(token_counts(rows, 4))
    assert probs.sum().item() == pytest.approx(1.0)
    assert probs[0] > probs[1] == probs[2] > probs[3] > 0


def test_training_with_a_sampled_softmax_learns_and_serves(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    config = TrainConfig(
        preset="tiny", steps=60, batch_size=8, seq_len=32, eval_every=30, eval_tokens=4000, sampled_softmax=64
    )
    result = train(corpus_dir, tokenizer_dir, tmp_path, config)
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert result.steps == 60 and log[-1]["valid_loss"] < 6.0  # ln(600) = 6.4 for a uniform guess
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.meta["training"]["config"]["sampled_softmax"] == 64
    served = InferenceModel(checkpoint)  # served with the full softmax, like any model
    logits, _ = served.forward([5, 6, 7], served.init_state(1))
    assert logits.shape == (600,) and np.isfinite(logits).all()
    with pytest.raises(InklingError, match="sampled-softmax"):
        TrainConfig(sampled_softmax=-1)
