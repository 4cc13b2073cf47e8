"""Scoring text with the model: mean loss per token and bits per byte, the state carried across windows."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch.nn import functional as F

from inkling import specials
from inkling.lm import dataset
from inkling.lm.checkpoint import LoadedModel
from inkling.lm.model import RNNLanguageModel
from inkling.lm.tokenizer import special_id


@torch.no_grad()
def evaluate(
    model: RNNLanguageModel, rows: torch.Tensor, seq_len: int, byte_len: torch.Tensor
) -> tuple[float, float]:
    """Mean loss per token (nats) and bits per byte over batched rows of a token stream."""
    was_training = model.training
    model.eval()
    hidden = model.init_hidden(rows.size(0), rows.device)
    total_nats, total_tokens, total_bytes = 0.0, 0, 0.0
    for index in range(dataset.num_windows(rows, seq_len)):
        x, y = dataset.window(rows, index, seq_len)
        logits, hidden = model(x, hidden)
        total_nats += F.cross_entropy(
            logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum"
        ).item()
        total_tokens += y.numel()
        total_bytes += byte_len[y.cpu()].sum().item()
    model.train(was_training)
    return total_nats / max(1, total_tokens), total_nats / math.log(2) / max(1.0, total_bytes)


def bits_per_byte(loaded: LoadedModel, texts: Sequence[str], seq_len: int = 128) -> float:
    """Bits per byte of UTF-8 text over whole files, each read from its start (one row per file)."""
    byte_len = dataset.byte_lengths(loaded.tokenizer)
    eot = special_id(loaded.tokenizer, specials.EOT)
    total_bits, total_bytes = 0.0, 0.0
    for text in texts:
        if not text:
            continue
        # The end-of-file token in front gives the first real token a context, as in training.
        stream = np.concatenate([[eot], dataset.encode_stream(loaded.tokenizer, [text])])
        rows = dataset.batchify(stream, 1)
        loss, _ = evaluate(loaded.model, rows, seq_len, byte_len)
        tokens = rows.size(1) - 1
        total_bits += loss * tokens / math.log(2)
        total_bytes += byte_len[rows[0, 1:]].sum().item()
    return total_bits / max(1.0, total_bytes)
