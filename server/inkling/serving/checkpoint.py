"""Checkpoints: safetensors weights + JSON config (with the tokenizer's hash), written atomically, read without
pickle or torch (the server runs on numpy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

from inkling.atomic import atomic_write
from inkling.errors import InklingError
from inkling.serving.config import ModelConfig, weight_shapes
from inkling.serving.tokenizer import TOKENIZER_FILE, load_tokenizer, tokenizer_hash

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
RESUME_FILE = "resume.safetensors"  # a training run's state beside its checkpoint (training/resume.py)
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    config: ModelConfig
    tokenizer: Tokenizer
    tensors: dict[
        str, np.ndarray
    ]  # float32 arrays (stored as float32 or float16), shaped as weight_shapes says
    meta: dict[str, Any]  # everything in config.json besides the model settings (training record, metrics)
    path: Path

    def num_parameters(self) -> int:
        return sum(t.size for t in self.tensors.values())


def write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_checkpoint(
    out_dir: Path,
    config: ModelConfig,
    tokenizer: Tokenizer,
    arrays: dict[str, np.ndarray],
    meta: dict[str, Any] | None = None,
    half: bool = False,
) -> None:
    """Save weights (named as in weight_shapes), config and tokenizer; the config is also stored inside the
    weights file. With `half` the weights are stored as float16 (half the size; loaded back as float32).

    Each file is replaced atomically, weights first; a checkpoint interrupted between files is caught
    at load time because config.json and the weights' own copy of the config disagree.
    """
    record = {
        "format": FORMAT_VERSION,
        "model": config.to_dict(),
        "tokenizer_hash": tokenizer_hash(tokenizer),
        **(meta or {}),
    }
    header = json.dumps(record, sort_keys=True)
    dtype = np.float16 if half else np.float32
    tensors = {name: np.ascontiguousarray(arrays[name], dtype=dtype) for name in weight_shapes(config)}
    atomic_write(out_dir / TOKENIZER_FILE, lambda tmp: tokenizer.save(str(tmp)))
    atomic_write(
        out_dir / WEIGHTS_FILE, lambda tmp: save_file(tensors, str(tmp), metadata={"inkling": header})
    )
    write_json(out_dir / CONFIG_FILE, record)


def read_record(model_dir: Path) -> dict[str, Any]:
    """The checkpoint's config.json, checked against the copy inside the weights file."""
    config_path, weights_path = model_dir / CONFIG_FILE, model_dir / WEIGHTS_FILE
    for path in (config_path, weights_path, model_dir / TOKENIZER_FILE):
        if not path.is_file():
            raise InklingError(f"{model_dir} is not a model: {path.name} is missing")
    try:
        record: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InklingError(f"{config_path} is not valid JSON ({exc})") from exc
    try:
        with safe_open(str(weights_path), framework="numpy") as handle:
            header = (handle.metadata() or {}).get("inkling")
    except (SafetensorError, OSError, ValueError) as exc:
        raise InklingError(f"{weights_path} is corrupt or truncated ({exc})") from exc
    if header is None or json.loads(header) != record:
        raise InklingError(f"{config_path} does not match {weights_path.name} (an interrupted save?)")
    return record


def load_checkpoint(model_dir: Path) -> Checkpoint:
    """Read a checkpoint folder, refusing truncated files, weights that do not fit the config or are not
    finite (NaN, inf) and a tokenizer that is not the one trained with."""
    record = read_record(model_dir)
    if record.get("format") != FORMAT_VERSION:
        raise InklingError(f"{model_dir}: unsupported checkpoint format {record.get('format')!r}")
    config = ModelConfig.from_dict(record["model"])
    tokenizer = load_tokenizer(model_dir)
    if tokenizer_hash(tokenizer) != record.get("tokenizer_hash"):
        raise InklingError(f"{model_dir}: the tokenizer does not match the one this model was trained with")
    if tokenizer.get_vocab_size() != config.vocab_size:
        raise InklingError(
            f"{model_dir}: tokenizer has {tokenizer.get_vocab_size()} tokens, model {config.vocab_size}"
        )
    try:
        tensors = load_file(str(model_dir / WEIGHTS_FILE))
    except (SafetensorError, OSError) as exc:
        raise InklingError(f"{model_dir / WEIGHTS_FILE} is corrupt or truncated ({exc})") from exc
    expected = weight_shapes(config)
    if set(tensors) != set(expected):
        missing, unexpected = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
        raise InklingError(
            f"{model_dir}: weights do not fit the model config (missing {missing}, unexpected {unexpected})"
        )
    for name, shape in expected.items():
        if tensors[name].shape != shape or tensors[name].dtype not in (np.float32, np.float16):
            raise InklingError(
                f"{model_dir}: weights do not fit the model config ({name} is {tensors[name].dtype}"
                f"{list(tensors[name].shape)}, expected float32 or float16 {list(shape)})"
            )
        tensors[name] = tensors[name].astype(np.float32, copy=False)
        if not np.isfinite(tensors[name]).all():  # such a model loads, then completes nothing
            raise InklingError(f"{model_dir}: the weights are broken ({name} holds NaN or infinite values)")
    meta = {k: v for k, v in record.items() if k not in ("model", "format")}
    return Checkpoint(config=config, tokenizer=tokenizer, tensors=tensors, meta=meta, path=model_dir)
