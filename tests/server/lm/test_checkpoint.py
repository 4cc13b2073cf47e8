"""Checkpoints round-trip through safetensors and refuse truncated, mismatched or half-written files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from inkling.errors import InklingError
from inkling.lm.checkpoint import load_checkpoint, save_checkpoint
from inkling.lm.model import ModelConfig, RNNLanguageModel
from inkling.lm.tokenizer import load_tokenizer, save_tokenizer, train_tokenizer


@pytest.mark.parametrize("cell,tie", [("lstm", True), ("gru", True), ("lstm", False)])
def test_round_trip(tokenizer_dir: Path, tmp_path: Path, cell: str, tie: bool) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    config = ModelConfig(
        tokenizer.get_vocab_size(), n_embd=16, n_hidden=24, n_layers=2, cell=cell, tie_weights=tie
    )
    model = RNNLanguageModel(config)
    save_checkpoint(tmp_path, model, tokenizer, {"note": "x"})
    loaded = load_checkpoint(tmp_path)
    assert loaded.config == config
    assert loaded.meta["note"] == "x"
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    if tie:
        assert loaded.model.head.weight.data_ptr() == loaded.model.embed.weight.data_ptr()
    x = torch.tensor([[1, 2, 3]])
    model.eval()
    assert torch.allclose(model(x, model.init_hidden(1))[0], loaded.model(x, loaded.model.init_hidden(1))[0])


def _saved(tokenizer_dir: Path, path: Path) -> Path:
    tokenizer = load_tokenizer(tokenizer_dir)
    save_checkpoint(path, RNNLanguageModel(ModelConfig(tokenizer.get_vocab_size(), 8, 8, 1)), tokenizer)
    return path


def test_truncated_weights(tokenizer_dir: Path, tmp_path: Path) -> None:
    path = _saved(tokenizer_dir, tmp_path)
    data = (path / "model.safetensors").read_bytes()
    (path / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(InklingError, match="corrupt or truncated"):
        load_checkpoint(path)


def test_mismatched_tokenizer(tokenizer_dir: Path, tmp_path: Path) -> None:
    path = _saved(tokenizer_dir, tmp_path)
    save_tokenizer(train_tokenizer(["x = 1\n"] * 10, vocab_size=600), path)
    with pytest.raises(InklingError, match="tokenizer does not match"):
        load_checkpoint(path)


def test_config_edited_after_save(tokenizer_dir: Path, tmp_path: Path) -> None:
    path = _saved(tokenizer_dir, tmp_path)
    record = json.loads((path / "config.json").read_text())
    record["model"]["n_hidden"] = 99
    (path / "config.json").write_text(json.dumps(record))
    with pytest.raises(InklingError, match="does not match"):
        load_checkpoint(path)


def test_missing_file(tokenizer_dir: Path, tmp_path: Path) -> None:
    path = _saved(tokenizer_dir, tmp_path)
    (path / "config.json").unlink()
    with pytest.raises(InklingError, match=r"config\.json is missing"):
        load_checkpoint(path)


def test_failed_write_keeps_the_good_checkpoint(tokenizer_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """A disk that fills while writing: the error is clear and the previous checkpoint still loads."""
    path = _saved(tokenizer_dir, tmp_path / "ckpt")
    before = (path / "model.safetensors").read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("inkling.lm.checkpoint.save_file", disk_full)
    tokenizer = load_tokenizer(tokenizer_dir)
    with pytest.raises(InklingError, match="No space left"):
        save_checkpoint(path, RNNLanguageModel(ModelConfig(tokenizer.get_vocab_size(), 8, 8, 1)), tokenizer)
    assert (path / "model.safetensors").read_bytes() == before
    assert [p.name for p in path.iterdir() if p.name.endswith(".tmp")] == []
    load_checkpoint(path)


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="is not a model"):
        load_checkpoint(tmp_path)
    shutil.rmtree(tmp_path)
    with pytest.raises(InklingError):
        load_checkpoint(tmp_path)
