"""Checkpoints round-trip through safetensors and refuse truncated, mismatched or half-written files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer

from inkling.errors import InklingError
from inkling.serving.checkpoint import WEIGHTS_FILE, load_checkpoint, save_checkpoint
from inkling.serving.config import ModelConfig
from inkling.serving.tokenizer import load_tokenizer, save_tokenizer, train_tokenizer
from inkling.training.model import RNNLanguageModel


def _save(
    path: Path, model: RNNLanguageModel, tokenizer: Tokenizer, meta: dict[str, str] | None = None
) -> None:
    save_checkpoint(path, model.config, tokenizer, model.arrays(), meta)


@pytest.mark.parametrize("cell,tie", [("lstm", True), ("gru", True), ("lstm", False)])
def test_round_trip(tokenizer_dir: Path, tmp_path: Path, cell: str, tie: bool) -> None:
    tokenizer = load_tokenizer(tokenizer_dir)
    config = ModelConfig(
        tokenizer.get_vocab_size(), n_embd=16, n_hidden=24, n_layers=2, cell=cell, tie_weights=tie
    )
    model = RNNLanguageModel(config)
    _save(tmp_path, model, tokenizer, {"note": "x"})
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.config == config
    assert checkpoint.meta["note"] == "x"
    loaded = RNNLanguageModel.from_checkpoint(checkpoint)
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    if tie:
        assert loaded.head.weight.data_ptr() == loaded.embed.weight.data_ptr()
    x = torch.tensor([[1, 2, 3]])
    model.eval()
    assert torch.allclose(model(x, model.init_hidden(1))[0], loaded(x, loaded.init_hidden(1))[0])


def _saved(tokenizer_dir: Path, path: Path) -> Path:
    tokenizer = load_tokenizer(tokenizer_dir)
    _save(path, RNNLanguageModel(ModelConfig(tokenizer.get_vocab_size(), 8, 8, 1)), tokenizer)
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


def test_weights_that_do_not_fit_the_config(tokenizer_dir: Path, tmp_path: Path) -> None:
    """A weights file whose config copy agrees but whose tensors are another shape (a hand-made file)."""
    path = _saved(tokenizer_dir, tmp_path)
    checkpoint = load_checkpoint(path)
    arrays = dict(checkpoint.tensors)
    arrays["rnn.weight_hh_l0"] = arrays["rnn.weight_hh_l0"][:, :4].copy()
    with pytest.raises(KeyError):  # the saver itself only writes the tensors the config names
        save_checkpoint(path, checkpoint.config, checkpoint.tokenizer, {})
    save_checkpoint(path, checkpoint.config, checkpoint.tokenizer, arrays)
    with pytest.raises(
        InklingError, match=r"rnn\.weight_hh_l0 is float32\[32, 4\], expected float32 or float16 \[32, 8\]"
    ):
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

    monkeypatch.setattr("inkling.serving.checkpoint.save_file", disk_full)
    tokenizer = load_tokenizer(tokenizer_dir)
    with pytest.raises(InklingError, match="No space left"):
        _save(path, RNNLanguageModel(ModelConfig(tokenizer.get_vocab_size(), 8, 8, 1)), tokenizer)
    assert (path / "model.safetensors").read_bytes() == before
    assert [p.name for p in path.iterdir() if p.name.endswith(".tmp")] == []
    load_checkpoint(path)


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="is not a model"):
        load_checkpoint(tmp_path)
    shutil.rmtree(tmp_path)
    with pytest.raises(InklingError):
        load_checkpoint(tmp_path)


def test_export_half_halves_the_weights_and_predicts_the_same(tiny_model: Path, tmp_path: Path) -> None:
    from inkling.serving.inference import InferenceModel
    from inkling.training.export import export_checkpoint

    out = export_checkpoint(tiny_model, tmp_path / "half", half=True)
    full, half = load_checkpoint(tiny_model), load_checkpoint(out)
    assert (out / WEIGHTS_FILE).stat().st_size < 0.55 * (tiny_model / WEIGHTS_FILE).stat().st_size
    assert half.tensors["embed.weight"].dtype == np.float32  # served in float32 whatever the storage
    assert (out / "train_log.jsonl").read_text() == (tiny_model / "train_log.jsonl").read_text()
    assert half.meta["training"] == full.meta["training"]
    ids = full.tokenizer.encode("def size(path):\n    return os.path.").ids
    logits = [m.forward(ids, m.init_state(1))[0] for m in (InferenceModel(full), InferenceModel(half))]
    assert np.argmax(logits[0]) == np.argmax(logits[1])
    np.testing.assert_allclose(logits[0], logits[1], atol=0.05)
    with pytest.raises(InklingError, match="another folder"):
        export_checkpoint(tiny_model, tiny_model, half=True)
