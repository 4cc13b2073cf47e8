"""The recurrent language model: a ModelConfig dataclass and an LSTM/GRU over BPE token embeddings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from inkling.errors import InklingError

# LSTM state is (h, c); a GRU's is h alone. Both have shape (n_layers, batch, n_hidden).
Hidden = tuple[torch.Tensor, ...]


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    n_embd: int = 256  # token embedding width; with tied weights also the output projection width
    n_hidden: int = 256  # recurrent state width
    n_layers: int = 2
    dropout: float = 0.1  # on embeddings, between layers and before the output projection
    tie_weights: bool = True  # output layer shares the embedding matrix
    cell: str = "lstm"  # "lstm" or "gru"

    def __post_init__(self) -> None:
        if self.cell not in ("lstm", "gru"):
            raise InklingError(f"unknown cell {self.cell!r}: use lstm or gru")
        if min(self.vocab_size, self.n_embd, self.n_hidden, self.n_layers) < 1:
            raise InklingError("model sizes must be positive")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InklingError(f"unknown model settings {sorted(unknown)}")
        return cls(**data)


PRESETS: dict[str, dict[str, Any]] = {
    "tiny": dict(n_embd=32, n_hidden=48, n_layers=1, dropout=0.0),  # seconds on a CPU: tests and dry runs
    "small": dict(n_embd=128, n_hidden=256, n_layers=2, dropout=0.1),
    "default": dict(n_embd=256, n_hidden=384, n_layers=2, dropout=0.1),  # the shipped model's shape
}


class RNNLanguageModel(nn.Module):
    """Embedding → stacked LSTM/GRU → (projection) → logits over the vocabulary."""

    def __init__(self, config: ModelConfig, init_weights: bool = True) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        rnn_cls = nn.LSTM if config.cell == "lstm" else nn.GRU
        inner_dropout = config.dropout if config.n_layers > 1 else 0.0
        self.rnn = rnn_cls(
            config.n_embd, config.n_hidden, config.n_layers, dropout=inner_dropout, batch_first=True
        )
        self.drop = nn.Dropout(config.dropout)
        # With tied weights the state is projected back to the embedding width before the shared decoder.
        needs_proj = config.tie_weights and config.n_hidden != config.n_embd
        self.proj = nn.Linear(config.n_hidden, config.n_embd) if needs_proj else None
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

    def forward(
        self, idx: torch.Tensor, hidden: Hidden, last_only: bool = False
    ) -> tuple[torch.Tensor, Hidden]:
        """idx (B, T) token ids → logits (B, T, V) (or (B, 1, V) with last_only) and the new hidden state."""
        x = self.drop(self.embed(idx))  # (B, T, E)
        state: Any = hidden if self.config.cell == "lstm" else hidden[0]
        out, new_state = self.rnn(x, state)  # out (B, T, H)
        if last_only:
            out = out[:, -1:]  # (B, 1, H): a prompt only needs the next token's distribution
        out = self.drop(out)
        if self.proj is not None:
            out = self.proj(out)  # (B, T, E)
        logits = self.head(out)  # (B, T, V)
        new_hidden: Hidden = tuple(new_state) if self.config.cell == "lstm" else (new_state,)
        return logits, new_hidden

    def step(self, idx: torch.Tensor, hidden: Hidden) -> tuple[torch.Tensor, Hidden]:
        """One decoding step, idx (B,) → logits (B, V): the same as forward on one token per row, with the
        recurrent cells called directly (nn.LSTM's per-call overhead is most of a batch-1 step's time)."""
        x = self.embed(idx)  # (B, E); dropout is off at inference
        layers: list[tuple[torch.Tensor, ...]] = []
        for i in range(self.config.n_layers):
            weights = [
                getattr(self.rnn, f"{name}_l{i}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            if self.config.cell == "lstm":
                h, c = torch.lstm_cell(x, (hidden[0][i], hidden[1][i]), *weights)
                layers.append((h, c))
            else:
                h = torch.gru_cell(x, hidden[0][i], *weights)
                layers.append((h,))
            x = h  # (B, H)
        if self.proj is not None:
            x = self.proj(x)
        new_hidden = tuple(torch.stack(parts) for parts in zip(*layers, strict=True))
        return self.head(x), new_hidden

    def loss(self, idx: torch.Tensor, targets: torch.Tensor, hidden: Hidden) -> tuple[torch.Tensor, Hidden]:
        logits, hidden = self(idx, hidden)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return loss, hidden

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def repackage_hidden(hidden: Hidden) -> Hidden:
    """Detach the state from the graph of the previous batch (truncated backpropagation through time)."""
    return tuple(h.detach() for h in hidden)
