"""The recurrent language model in PyTorch (training and scoring): an LSTM, GRU or minGRU over BPE token embeddings."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from inkling.serving.checkpoint import Checkpoint
from inkling.serving.config import ModelConfig, needs_projection, weight_shapes
from inkling.training.mingru import MinGRU

# LSTM state is (h, c); a GRU's is h alone. Both have shape (n_layers, batch, n_hidden).
Hidden = tuple[torch.Tensor, ...]


class RNNLanguageModel(nn.Module):
    """Embedding → stacked LSTM/GRU → (projection) → logits over the vocabulary."""

    def __init__(self, config: ModelConfig, init_weights: bool = True) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        inner_dropout = config.dropout if config.n_layers > 1 else 0.0
        self.rnn: nn.Module
        if config.cell == "mingru":
            self.rnn = MinGRU(config.n_embd, config.n_hidden, config.n_layers, dropout=inner_dropout)
        else:
            rnn_cls = nn.LSTM if config.cell == "lstm" else nn.GRU
            self.rnn = rnn_cls(
                config.n_embd, config.n_hidden, config.n_layers, dropout=inner_dropout, batch_first=True
            )
        self.drop = nn.Dropout(config.dropout)
        self.proj = nn.Linear(config.n_hidden, config.n_embd) if needs_projection(config) else None
        self.head = nn.Linear(config.n_embd if config.tie_weights else config.n_hidden, config.vocab_size)
        if config.tie_weights:
            self.head.weight = self.embed.weight
        if init_weights:  # skipped when a checkpoint's weights replace them anyway (orthogonal init is slow)
            self._init_weights()

    def _init_weights(self) -> None:
        nn.init.normal_(self.embed.weight, std=0.05)
        nn.init.zeros_(self.head.bias)
        for name, param in self.rnn.named_parameters():
            if "weight" in name:
                nn.init.orthogonal_(param)
            else:
                nn.init.zeros_(param)
                if self.config.cell == "lstm":  # forget-gate bias 1: remember by default
                    n = self.config.n_hidden
                    param.data[n : 2 * n] = 0.5

    def init_hidden(self, batch_size: int, device: torch.device | str = "cpu") -> Hidden:
        shape = (self.config.n_layers, batch_size, self.config.n_hidden)
        if self.config.cell == "lstm":
            return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))
        return (torch.zeros(shape, device=device),)

    def features(
        self, idx: torch.Tensor, hidden: Hidden, last_only: bool = False
    ) -> tuple[torch.Tensor, Hidden]:
        """idx (B, T) token ids → the output layer's input (B, T, E or H) and the new hidden state."""
        x = self.drop(self.embed(idx))  # (B, T, E)
        state: Any = hidden if self.config.cell == "lstm" else hidden[0]
        out, new_state = self.rnn(x, state)  # out (B, T, H)
        if last_only:
            out = out[:, -1:]  # (B, 1, H): a prompt only needs the next token's distribution
        out = self.drop(out)
        if self.proj is not None:
            out = self.proj(out)  # (B, T, E)
        new_hidden: Hidden = tuple(new_state) if self.config.cell == "lstm" else (new_state,)
        return out, new_hidden

    def forward(
        self, idx: torch.Tensor, hidden: Hidden, last_only: bool = False
    ) -> tuple[torch.Tensor, Hidden]:
        """idx (B, T) token ids → logits (B, T, V) (or (B, 1, V) with last_only) and the new hidden state."""
        out, new_hidden = self.features(idx, hidden, last_only)
        return self.head(out), new_hidden

    def loss(self, idx: torch.Tensor, targets: torch.Tensor, hidden: Hidden) -> tuple[torch.Tensor, Hidden]:
        logits, hidden = self(idx, hidden)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return loss, hidden

    def arrays(self) -> dict[str, np.ndarray]:
        """The weights as numpy arrays under their checkpoint names (a tied decoder only as embed.weight)."""
        state = self.state_dict()
        return {name: state[name].detach().cpu().numpy() for name in weight_shapes(self.config)}

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> RNNLanguageModel:
        """The checkpoint's model, in eval mode (its weights were checked against its config when read)."""
        model = cls(checkpoint.config, init_weights=False)
        tensors = {name: torch.from_numpy(array) for name, array in checkpoint.tensors.items()}
        if checkpoint.config.tie_weights:
            tensors["head.weight"] = tensors["embed.weight"]
        model.load_state_dict(tensors, strict=True)
        return model.eval()

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def repackage_hidden(hidden: Hidden) -> Hidden:
    """Detach the state from the graph of the previous batch (truncated backpropagation through time)."""
    return tuple(h.detach() for h in hidden)
