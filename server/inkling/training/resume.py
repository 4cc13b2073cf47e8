"""The resumable training state (weights, optimizer, RNG, hidden state, data position) in one safetensors file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from inkling.atomic import atomic_write
from inkling.errors import InklingError
from inkling.serving.checkpoint import RESUME_FILE


@dataclass(frozen=True)
class ResumeState:
    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]  # torch optimizer state_dict
    rng: torch.Tensor  # torch.get_rng_state()
    hidden: tuple[torch.Tensor, ...]  # the carried TBPTT state of every batch row
    step: int
    epoch: int
    batch_index: int  # next window of the epoch
    total_steps: int | None
    best_loss: float
    best_bpb: float
    elapsed: float  # training seconds so far
    train_config: dict[str, Any]
    tokenizer_hash: str


def save_resume(out_dir: Path, state: ResumeState) -> None:
    tensors: dict[str, torch.Tensor] = {}
    for name, value in state.model.items():
        if name != "head.weight" or value.data_ptr() != state.model["embed.weight"].data_ptr():
            tensors[f"model.{name}"] = value
    for index, param_state in state.optimizer["state"].items():
        for key, value in param_state.items():
            tensors[f"optim.{index}.{key}"] = value
    for index, value in enumerate(state.hidden):
        tensors[f"hidden.{index}"] = value
    tensors["rng"] = state.rng
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in tensors.items()}
    meta = {
        "param_groups": state.optimizer["param_groups"],
        "hidden": len(state.hidden),
        **{
            k: getattr(state, k)
            for k in ("step", "epoch", "batch_index", "total_steps", "best_loss", "best_bpb")
        },
        "elapsed": state.elapsed,
        "train_config": state.train_config,
        "tokenizer_hash": state.tokenizer_hash,
    }
    header = {"inkling_resume": json.dumps(meta)}
    atomic_write(out_dir / RESUME_FILE, lambda tmp: save_file(tensors, str(tmp), metadata=header))


def load_resume(out_dir: Path) -> ResumeState | None:
    path = out_dir / RESUME_FILE
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="pt") as handle:
            meta = json.loads((handle.metadata() or {})["inkling_resume"])
            tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, KeyError, ValueError) as exc:
        raise InklingError(f"{path} is corrupt or truncated ({exc}); start again without --resume") from exc
    model = {k.removeprefix("model."): v for k, v in tensors.items() if k.startswith("model.")}
    if "head.weight" not in model:
        model["head.weight"] = model["embed.weight"]
    optim_state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            optim_state.setdefault(int(index), {})[name] = value
    return ResumeState(
        model=model,
        optimizer={"state": optim_state, "param_groups": meta["param_groups"]},
        rng=tensors["rng"],
        hidden=tuple(tensors[f"hidden.{i}"] for i in range(meta["hidden"])),
        step=meta["step"],
        epoch=meta["epoch"],
        batch_index=meta["batch_index"],
        total_steps=meta["total_steps"],
        best_loss=meta["best_loss"],
        best_bpb=meta["best_bpb"],
        elapsed=meta["elapsed"],
        train_config=meta["train_config"],
        tokenizer_hash=meta["tokenizer_hash"],
    )
