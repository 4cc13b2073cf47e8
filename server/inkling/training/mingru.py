"""A stacked minGRU in PyTorch ("Were RNNs All We Needed?", Feng et al. 2024): a GRU whose gates read only the input.

Per layer, z_t = sigmoid(W_z x_t + b_z), h̃_t = W_h x_t + b_h and h_t = (1 − z_t) h_{t−1} + z_t h̃_t. Nothing
inside the time loop multiplies by a matrix: every time step's gates come from one product over the whole
window, and the loop left is an elementwise scan (h_t = a_t h_{t−1} + b_t), cheap next to a GRU's step.
The interface is nn.GRU's with batch_first=True, and the weights are named as nn.GRU names its input weights.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def scan(a: torch.Tensor, b: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """h_t = a_t * h_{t-1} + b_t over the time axis of a and b (B, T, H), from h (B, H): every h_t (B, T, H)."""
    out = []
    for t in range(a.size(1)):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)


class MinGRU(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.hidden_size, self.num_layers, self.dropout = hidden_size, num_layers, dropout
        for i in range(num_layers):
            width = input_size if i == 0 else hidden_size
            self.register_parameter(f"weight_ih_l{i}", nn.Parameter(torch.empty(2 * hidden_size, width)))
            self.register_parameter(f"bias_ih_l{i}", nn.Parameter(torch.zeros(2 * hidden_size)))

    def forward(self, x: torch.Tensor, h0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, in), h0 (layers, B, H) → every step's top-layer state (B, T, H) and the last states."""
        n, last = self.hidden_size, []
        for i in range(self.num_layers):
            if i > 0:
                x = F.dropout(x, self.dropout, self.training)
            gates = F.linear(x, getattr(self, f"weight_ih_l{i}"), getattr(self, f"bias_ih_l{i}"))  # (B, T, 2H)
            z = torch.sigmoid(gates[..., :n])
            x = scan(1.0 - z, z * gates[..., n:], h0[i])
            last.append(x[:, -1])
        return x, torch.stack(last)
