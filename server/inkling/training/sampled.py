"""Sampled softmax for training: the loss over each target and a shared sample of the vocabulary, not all of it.

The output layer (4,096 positions × 8,192 tokens per batch) is about half of a CPU training step. With a
shared sample of K tokens drawn from the training text's unigram distribution raised to 0.75, each position
scores its target and the K sampled tokens, every logit corrected by the log of its chance to be in the sample
(Jean et al. 2015, "On Using Very Large Target Vocabulary for Neural Machine Translation"); a sampled token
that is the position's own target is masked. Serving and validation still use the full softmax.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from inkling.training.model import Hidden, RNNLanguageModel


def token_counts(rows: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """How often each token occurs in the rows (PAD < 0 skipped), as float64 (V,)."""
    return torch.bincount(rows[rows >= 0].flatten().cpu(), minlength=vocab_size).double()


def sampling_distribution(counts: torch.Tensor, power: float = 0.75) -> torch.Tensor:
    """Token counts +1 smoothed and raised to `power`, summing to 1."""
    weights = (counts + 1.0).pow(power)
    return (weights / weights.sum()).float()


class SampledLoss(nn.Module):
    """The model's training loss with a sampled softmax: one module, so DistributedDataParallel sees every
    parameter used in its forward."""

    probs: torch.Tensor
    log_q: torch.Tensor

    def __init__(self, model: RNNLanguageModel, probs: torch.Tensor, samples: int) -> None:
        super().__init__()
        self.model = model
        self.samples = samples
        self.register_buffer("probs", probs)
        # Chance that a token is among `samples` draws with replacement (the sample is made unique).
        self.register_buffer("log_q", torch.log(-torch.expm1(samples * torch.log1p(-probs.double()))).float())

    def forward(self, idx: torch.Tensor, targets: torch.Tensor, hidden: Hidden) -> tuple[torch.Tensor, Hidden]:
        features, hidden = self.model.features(idx, hidden)  # (B, T, E)
        h = features.reshape(-1, features.size(-1))  # (N, E)
        y = targets.reshape(-1)  # (N,)
        negatives = torch.multinomial(self.probs, self.samples, replacement=True)
        negatives = torch.unique(negatives)  # (K,)
        weight, bias = self.model.head.weight, self.model.head.bias
        true_logit = (h * weight[y]).sum(-1) + bias[y] - self.log_q[y]  # (N,)
        sampled = h @ weight[negatives].t() + bias[negatives] - self.log_q[negatives]  # (N, K)
        sampled = sampled.masked_fill(negatives.unsqueeze(0) == y.unsqueeze(1), float("-inf"))
        logits = torch.cat([true_logit.unsqueeze(1), sampled], dim=1)  # the target is column 0
        loss = F.cross_entropy(logits, torch.zeros_like(y))
        return loss, hidden
