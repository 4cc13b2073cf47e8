"""Dynamic evaluation: learning from text already scored lowers the bits per byte of text that repeats it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.dynamic import dynamic_bits_per_byte
from inkling.serving.checkpoint import load_checkpoint
from inkling.training.score import bits_per_byte


def test_frozen_matches_static_scoring_and_learning_helps_on_repeated_code(tiny_model: Path) -> None:
    checkpoint = load_checkpoint(tiny_model)
    source = (Path(__file__).resolve().parents[2] / "server" / "inkling" / "serving" / "ngram_mixture.py").read_text()
    text = source * 3  # the second and third copies are predictable from the first
    frozen = dynamic_bits_per_byte(checkpoint, [text], lr=0.0)
    assert frozen.bits_per_byte == pytest.approx(bits_per_byte(checkpoint, [text]), rel=1e-3)
    learning = dynamic_bits_per_byte(checkpoint, [text], lr=0.3)
    assert learning.tokens == frozen.tokens
    assert learning.bits_per_byte < 0.95 * frozen.bits_per_byte  # 7% lower when measured


def test_file_scope_forgets_between_files_and_project_scope_remembers(tiny_model: Path) -> None:
    checkpoint = load_checkpoint(tiny_model)
    source = (Path(__file__).resolve().parents[2] / "server" / "inkling" / "serving" / "ngram_mixture.py").read_text()
    per_file = dynamic_bits_per_byte(checkpoint, [source, source], lr=0.3, scope="file")
    per_project = dynamic_bits_per_byte(checkpoint, [source, source], lr=0.3, scope="project")
    assert per_project.bits_per_byte < per_file.bits_per_byte  # the second copy was learned from the first
    with pytest.raises(ValueError, match="scope"):
        dynamic_bits_per_byte(checkpoint, [source], lr=0.1, scope="workspace")
