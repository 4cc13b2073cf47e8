"""Dynamic evaluation (Krause et al., 2018): bits per byte of held-out files while the model keeps learning from
the text it has just scored, one SGD step per window, measured against the same model kept frozen."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from inkling import specials
from inkling.serving.checkpoint import Checkpoint
from inkling.serving.tokenizer import special_id
from inkling.training import dataset
from inkling.training.model import RNNLanguageModel, repackage_hidden


@dataclass(frozen=True)
class DynamicResult:
    lr: float
    scope: str  # "file": the weights go back to the checkpoint's at each file; "project": they carry over
    bits_per_byte: float
    tokens: int
    seconds_per_1k_tokens: float  # the cost of scoring and learning, on this machine


def dynamic_bits_per_byte(
    checkpoint: Checkpoint, texts: Sequence[str], lr: float, scope: str = "file", seq_len: int = 128
) -> DynamicResult:
    """Score each file from its start behind an end-of-file token, in windows of seq_len tokens; after each
    window, one SGD step (learning rate lr; 0 keeps the model frozen) on that window's loss."""
    if scope not in ("file", "project"):
        raise ValueError(f"scope must be 'file' or 'project', got {scope!r}")
    tokenizer = checkpoint.tokenizer
    model = RNNLanguageModel.from_checkpoint(checkpoint).eval()  # no dropout: the scores are the model's own
    start_weights = {name: value.clone() for name, value in model.state_dict().items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    byte_len = dataset.byte_lengths(tokenizer)
    eot = special_id(tokenizer, specials.EOT)
    nats, tokens, n_bytes = 0.0, 0, 0.0
    started = time.perf_counter()
    for text in texts:
        if scope == "file":
            model.load_state_dict(start_weights)
        ids = torch.tensor([eot, *tokenizer.encode(text).ids])
        hidden = model.init_hidden(1)
        for begin in range(0, len(ids) - 1, seq_len):
            x, y = ids[begin : begin + seq_len], ids[begin + 1 : begin + seq_len + 1]
            x = x[: len(y)]
            with torch.set_grad_enabled(lr > 0):
                logits, hidden = model(x[None], hidden)
                loss = F.cross_entropy(logits[0], y, reduction="sum")
            nats += loss.item()
            tokens += len(y)
            n_bytes += byte_len[y].sum().item()
            if lr > 0:
                optimizer.zero_grad()
                (loss / len(y)).backward()  # type: ignore[no-untyped-call]
                optimizer.step()
            hidden = repackage_hidden(hidden)
    seconds = time.perf_counter() - started
    return DynamicResult(
        lr, scope, nats / math.log(2) / max(1.0, n_bytes), tokens, 1000 * seconds / max(1, tokens)
    )
