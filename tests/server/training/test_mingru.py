"""The minGRU cell: its equations, its training, and its checkpoints (the numpy parity is in test_inference.py)."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from inkling.serving.checkpoint import load_checkpoint
from inkling.training.mingru import MinGRU
from inkling.training.train import TrainConfig, train


def test_each_step_follows_the_mingru_equations() -> None:
    torch.manual_seed(0)
    cell = MinGRU(input_size=5, hidden_size=4, num_layers=1)
    torch.nn.init.normal_(cell.weight_ih_l0)
    x, h0 = torch.randn(2, 6, 5), torch.randn(1, 2, 4)
    out, last = cell(x, h0)
    h = h0[0]
    for t in range(6):
        gates = x[:, t] @ cell.weight_ih_l0.T + cell.bias_ih_l0
        z = torch.sigmoid(gates[:, :4])
        h = (1 - z) * h + z * gates[:, 4:]
        torch.testing.assert_close(out[:, t], h)
    torch.testing.assert_close(last[0], h)


def test_a_tiny_mingru_model_learns_and_saves_without_recurrent_weights(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    config = TrainConfig(
        preset="tiny", shape={"cell": "mingru"}, steps=60, batch_size=8, seq_len=32, eval_every=30, eval_tokens=4000
    )
    train(corpus_dir, tokenizer_dir, tmp_path, config)
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert log[-1]["valid_loss"] < 6.0  # ln(600) = 6.4 for a uniform guess over the vocabulary
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.config.cell == "mingru"
    assert "rnn.weight_ih_l0" in checkpoint.tensors and "rnn.weight_hh_l0" not in checkpoint.tensors
