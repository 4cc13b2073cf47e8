"""The server's numpy model computes what the PyTorch model it was trained as computes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from inkling.serving.checkpoint import load_checkpoint, save_checkpoint
from inkling.serving.config import ModelConfig
from inkling.serving.inference import InferenceModel
from inkling.serving.tokenizer import load_tokenizer
from inkling.training.model import RNNLanguageModel


@pytest.mark.parametrize(
    "cell,tie,hidden",
    [("lstm", True, 24), ("gru", True, 24), ("lstm", False, 24), ("gru", True, 16), ("mingru", True, 24)],
)
def test_numpy_model_equals_torch_model(
    tokenizer_dir: Path, tmp_path: Path, cell: str, tie: bool, hidden: int
) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    config = ModelConfig(
        tokenizer.get_vocab_size(), n_embd=16, n_hidden=hidden, n_layers=2, cell=cell, tie_weights=tie
    )
    torch.manual_seed(0)
    model = RNNLanguageModel(config).eval()
    with torch.no_grad():  # biases start at zero: give them values so that their handling is tested
        for param in model.parameters():
            param.add_(0.3 * torch.randn_like(param))
    save_checkpoint(tmp_path, config, tokenizer, model.arrays())
    served = InferenceModel(load_checkpoint(tmp_path))
    ids = tokenizer.encode("def add(a, b):\n    return a + b\n").ids

    logits, state = served.forward(ids, served.init_state(1))
    with torch.no_grad():
        expected, hidden_state = model(torch.tensor([ids]), model.init_hidden(1))
    np.testing.assert_allclose(logits, expected[0, -1].numpy(), atol=1e-4)
    for ours, theirs in zip(state, hidden_state, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-5)

    rows = tuple(np.repeat(part, 3, axis=1) for part in state)  # a beam of three rows
    tokens = np.array([ids[0], ids[1], ids[2]])
    stepped, after = served.step(tokens, rows)
    with torch.no_grad():
        expected_step, expected_after = model(
            torch.from_numpy(tokens)[:, None], tuple(map(torch.from_numpy, rows))
        )
    np.testing.assert_allclose(stepped, expected_step[:, -1].numpy(), atol=1e-4)
    for ours, theirs in zip(after, expected_after, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-5)


def test_serving_never_imports_torch(tiny_model: Path) -> None:
    """Loading a model and completing with it stays torch-free: torch alone would take 220 MiB."""
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from inkling.completion.engine import Engine\nfrom inkling.lsp.server import build_server\n"
        "from inkling.completion.types import Request\n"
        f"engine = Engine(Path({str(tiny_model)!r}))\n"
        "engine.suggest(Request('import os\\n\\nx = os.', '\\n', 'doc'))\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
