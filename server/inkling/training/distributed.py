"""DistributedDataParallel set-up for training under `torchrun` (gloo on CPU, NCCL on GPU)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def init_distributed(device: str) -> DistInfo:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1); otherwise a single process."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistInfo()
    backend = "nccl" if device.startswith("cuda") else "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend)
    if device.startswith("cuda"):
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    return DistInfo(rank=dist.get_rank(), world_size=dist.get_world_size())


def shutdown_distributed(info: DistInfo) -> None:
    if info.enabled and dist.is_initialized():
        dist.barrier()  # tear down together: a rank that leaves gloo while another still talks aborts
        dist.destroy_process_group()


def gather_rows(tensor: torch.Tensor, info: DistInfo, dim: int) -> torch.Tensor:
    """Concatenate each rank's slice of a tensor along `dim` (ranks own interleaved batch rows)."""
    if not info.enabled:
        return tensor
    parts = [torch.empty_like(tensor) for _ in range(info.world_size)]
    dist.all_gather(parts, tensor.contiguous())
    # Rank r holds rows r, r + W, r + 2W, ...: interleave the parts back into batch order.
    stacked = torch.stack(parts, dim=dim + 1)  # (..., B/W, W, ...)
    shape = list(tensor.shape)
    shape[dim] = shape[dim] * info.world_size
    return stacked.reshape(shape)


def broadcast_flag(flag: bool, info: DistInfo) -> bool:
    """True on every rank when any rank says so (used to stop all ranks together on Ctrl-C)."""
    if not info.enabled:
        return flag
    value = torch.tensor([1 if flag else 0])
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def agreed_seconds(seconds: float, info: DistInfo) -> float:
    """The largest of the ranks' elapsed seconds, so that every rank takes the same learning rate and stops at
    the same step under a time budget (each rank's own clock would let one rank step on alone and hang)."""
    if not info.enabled:
        return seconds
    value = torch.tensor([seconds], dtype=torch.float64)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return float(value.item())


def summed(tensor: torch.Tensor, info: DistInfo) -> torch.Tensor:
    """The tensor summed over all ranks (itself in a single process)."""
    if not info.enabled:
        return tensor
    total = tensor.clone()
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    return total
