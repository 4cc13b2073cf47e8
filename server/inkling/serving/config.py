"""The model's shape: a frozen ModelConfig, the named presets and the weight shapes a checkpoint must hold."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from inkling.errors import InklingError

# Gate blocks stacked in each recurrent weight: i, f, g, o for an LSTM; r, z, n for a GRU; z and the candidate
# for a minGRU. Its keys are the cells there are.
GATES = {"lstm": 4, "gru": 3, "mingru": 2}


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    n_embd: int = 256  # token embedding width; with tied weights also the output projection width
    n_hidden: int = 256  # recurrent state width
    n_layers: int = 2
    dropout: float = 0.1  # on embeddings, between layers and before the output projection
    tie_weights: bool = True  # output layer shares the embedding matrix
    cell: str = "lstm"  # "lstm", "gru" or "mingru" (training/mingru.py)

    def __post_init__(self) -> None:
        if self.cell not in GATES:
            raise InklingError(f"unknown cell {self.cell!r}: use lstm, gru or mingru")
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


def gates(config: ModelConfig) -> int:
    """Gate blocks stacked in each of the cell's recurrent weights (GATES)."""
    return GATES[config.cell]


def needs_projection(config: ModelConfig) -> bool:
    """With tied weights the state is projected back to the embedding width before the shared decoder."""
    return config.tie_weights and config.n_hidden != config.n_embd


def weight_shapes(config: ModelConfig) -> dict[str, tuple[int, ...]]:
    """Every tensor a checkpoint stores (PyTorch names; a tied decoder is stored once, as embed.weight)."""
    v, e, h, g = config.vocab_size, config.n_embd, config.n_hidden, gates(config)
    shapes: dict[str, tuple[int, ...]] = {"embed.weight": (v, e)}
    for i in range(config.n_layers):
        shapes |= {f"rnn.weight_ih_l{i}": (g * h, e if i == 0 else h), f"rnn.bias_ih_l{i}": (g * h,)}
        if config.cell != "mingru":  # a minGRU's gates read the input alone
            shapes |= {f"rnn.weight_hh_l{i}": (g * h, h), f"rnn.bias_hh_l{i}": (g * h,)}
    if needs_projection(config):
        shapes |= {"proj.weight": (e, h), "proj.bias": (e,)}
    if not config.tie_weights:
        shapes["head.weight"] = (v, h)
    shapes["head.bias"] = (v,)
    return shapes
