"""A checkpoint whose weights hold NaN or inf is refused at load, naming the tensor, and `inkling complete`
says so in one line with exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inkling.errors import InklingError
from inkling.serving.checkpoint import load_checkpoint, save_checkpoint
from inkling.serving.config import ModelConfig, weight_shapes
from inkling.serving.tokenizer import load_tokenizer


def _tiny(tokenizer_dir: Path, out: Path, bad: float | None) -> str:
    """A tiny checkpoint in `out`, one weight set to `bad`; returns the name of that tensor."""
    tokenizer = load_tokenizer(tokenizer_dir)
    config = ModelConfig(tokenizer.get_vocab_size(), n_embd=8, n_hidden=8, n_layers=1, cell="gru")
    rng = np.random.default_rng(0)
    arrays = {
        name: rng.normal(0, 0.1, shape).astype(np.float32) for name, shape in weight_shapes(config).items()
    }
    name = sorted(arrays)[-1]
    if bad is not None:
        arrays[name].flat[3] = bad
    save_checkpoint(out, config, tokenizer, arrays)
    return name


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_weights_are_refused_naming_the_tensor(
    tokenizer_dir: Path, tmp_path: Path, bad: float
) -> None:
    name = _tiny(tokenizer_dir, tmp_path / "broken", bad)
    with pytest.raises(InklingError, match=f"{name} holds NaN or infinite values"):
        load_checkpoint(tmp_path / "broken")
    _tiny(tokenizer_dir, tmp_path / "fine", None)
    assert load_checkpoint(tmp_path / "fine").config.n_hidden == 8


def test_complete_with_a_broken_model_prints_one_line_and_exits_2(
    tokenizer_dir: Path, tmp_path: Path
) -> None:
    name = _tiny(tokenizer_dir, tmp_path / "broken", float("nan"))
    source = tmp_path / "a.py"
    source.write_text("import os\nos.pa\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "inkling", "complete", f"{source}:2:6", "--model", str(tmp_path / "broken")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and name in done.stderr
