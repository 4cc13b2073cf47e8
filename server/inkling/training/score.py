"""Scoring text with the model: mean loss per token and bits per byte, the state carried across windows."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch.nn import functional as F

from inkling.serving.checkpoint import Checkpoint
from inkling.training import dataset
from inkling.training.model import RNNLanguageModel


@torch.no_grad()
def evaluate(
    model: RNNLanguageModel, rows: torch.Tensor, seq_len: int, byte_len: torch.Tensor
) -> tuple[float, float]:
    """Mean loss per token (nats) and bits per byte over rows of tokens (PAD targets are skipped)."""
    was_training = model.training
    model.eval()
    hidden = model.init_hidden(rows.size(0), rows.device)
    total_nats, total_tokens, total_bytes = 0.0, 0, 0.0
    for index in range(dataset.num_windows(rows, seq_len)):
        x, y = dataset.window(rows, index, seq_len)
        logits, hidden = model(x.clamp(min=0), hidden)  # padding only ever follows the real tokens
        total_nats += F.cross_entropy(
            logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=dataset.PAD, reduction="sum"
        ).item()
        real = y >= 0
        total_tokens += int(real.sum().item())
        total_bytes += byte_len[y[real].cpu()].sum().item()
    model.train(was_training)
    return total_nats / max(1, total_tokens), total_nats / math.log(2) / max(1.0, total_bytes)


def bits_per_byte(checkpoint: Checkpoint, texts: Sequence[str], seq_len: int = 128) -> float:
    """Bits per byte of whole files, each read from its start behind an end-of-file token."""
    rows = dataset.document_rows(checkpoint.tokenizer, [t for t in texts if t], n_rows=16)
    model = RNNLanguageModel.from_checkpoint(checkpoint)
    return evaluate(model, rows, seq_len, dataset.byte_lengths(checkpoint.tokenizer))[1]
