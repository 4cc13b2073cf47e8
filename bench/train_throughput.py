"""Time one training step of a recipe's model, phase by phase (embedding, recurrence, output layer, loss,
backward, clipping, optimizer), on random token ids; print a markdown table and tokens/s.

    python -m bench.train_throughput --preset default --shape cell=gru --threads 1
    python -m bench.train_throughput --preset default --shape cell=gru --threads 2 --adamw fused
    python -m bench.train_throughput --preset default --shape cell=gru --compile

The phases are timed with perf_counter around each call (CPU work is synchronous), the step's total the same
way; `--profile` adds torch.profiler's top operators by self CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import torch
from torch.nn import functional as F

from inkling.serving.config import PRESETS, ModelConfig
from inkling.training.model import Hidden, RNNLanguageModel, repackage_hidden

PHASES = ("embedding", "recurrence", "output layer", "loss", "backward", "clip", "optimizer")


def _value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _optimizer(model: torch.nn.Module, kind: str) -> torch.optim.Optimizer:
    options: dict[str, Any] = {
        "for-loop": {"foreach": False},
        "foreach": {"foreach": True},
        "fused": {"fused": True},
    }[kind]
    return torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01, **options)


def _phased_step(
    model: RNNLanguageModel,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    hidden: Hidden,
) -> tuple[dict[str, float], Hidden]:
    """One training step with each phase timed: the model's forward written out (the same ops as forward)."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    emb = model.drop(model.embed(x))  # (B, T, E)
    t1 = time.perf_counter()
    state: Any = hidden if model.config.cell == "lstm" else hidden[0]
    out, new_state = model.rnn(emb, state)  # (B, T, H)
    t2 = time.perf_counter()
    out = model.drop(out)
    if model.proj is not None:
        out = model.proj(out)  # (B, T, E)
    logits = model.head(out)  # (B, T, V)
    t3 = time.perf_counter()
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
    t4 = time.perf_counter()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()  # type: ignore[no-untyped-call]
    t5 = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    t6 = time.perf_counter()
    optimizer.step()
    t7 = time.perf_counter()
    for name, (a, b) in zip(
        PHASES, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6), (t6, t7)), strict=True
    ):
        times[name] = b - a
    new_hidden: Hidden = tuple(new_state) if model.config.cell == "lstm" else (new_state,)
    return times, repackage_hidden(new_hidden)


def _plain_step(
    net: Callable[..., Any],
    model: RNNLanguageModel,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    hidden: Hidden,
) -> Hidden:
    """The training loop's step as training/train.py writes it (net may be a compiled model)."""
    logits, hidden = net(x, hidden)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()  # type: ignore[no-untyped-call]
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    optimizer.step()
    return repackage_hidden(hidden)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="default", choices=sorted(PRESETS))
    parser.add_argument("--shape", action="append", default=["cell=gru"], metavar="NAME=VALUE")
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--adamw", choices=("for-loop", "foreach", "fused"), default="for-loop")
    parser.add_argument("--steps", type=int, default=10, help="timed steps (after --warmup untimed ones)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile the model; time whole steps only"
    )
    parser.add_argument("--profile", action="store_true", help="also print torch.profiler's top operators")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    shape = dict(item.split("=", 1) for item in args.shape)
    config = ModelConfig.from_dict(
        {**PRESETS[args.preset], **{k: _value(v) for k, v in shape.items()}, "vocab_size": args.vocab_size}
    )
    model = RNNLanguageModel(config).train()
    optimizer = _optimizer(model, args.adamw)
    tokens = torch.randint(
        0, args.vocab_size, (args.batch_size, (args.warmup + args.steps) * args.seq_len + 1)
    )
    hidden = model.init_hidden(args.batch_size)

    def window(i: int) -> tuple[torch.Tensor, torch.Tensor]:
        start = i * args.seq_len
        return tokens[:, start : start + args.seq_len], tokens[:, start + 1 : start + 1 + args.seq_len]

    label = (
        f"{args.preset} {' '.join(args.shape)}, {model.num_parameters():,} parameters, batch {args.batch_size} x "
        f"seq {args.seq_len}, {args.threads} thread(s), AdamW {args.adamw}{', compiled' if args.compile else ''}"
    )
    print(label)
    if args.compile:
        net: Callable[..., Any] = torch.compile(model)
        t = time.perf_counter()
        try:
            for i in range(args.warmup):
                hidden = _plain_step(net, model, optimizer, *window(i), hidden)
        except Exception as error:  # a failed compile is a result to report
            print(f"torch.compile failed: {type(error).__name__}: {str(error)[:500]}")
            return 1
        print(f"compile + {args.warmup} warm-up steps: {time.perf_counter() - t:.1f} s")
        totals = []
        for i in range(args.warmup, args.warmup + args.steps):
            t = time.perf_counter()
            hidden = _plain_step(net, model, optimizer, *window(i), hidden)
            totals.append(time.perf_counter() - t)
        step_s = statistics.median(totals)
        print(f"step: median {step_s * 1000:.0f} ms, {args.batch_size * args.seq_len / step_s:,.0f} tokens/s")
        return 0

    for i in range(args.warmup):
        hidden = _plain_step(model, model, optimizer, *window(i), hidden)
    samples: dict[str, list[float]] = {name: [] for name in PHASES}
    totals = []
    for i in range(args.warmup, args.warmup + args.steps):
        t = time.perf_counter()
        times, hidden = _phased_step(model, optimizer, *window(i), hidden)
        totals.append(time.perf_counter() - t)
        for name in PHASES:
            samples[name].append(times[name])
    step_s = statistics.median(totals)
    print("\n| phase | ms / step (median) | share |\n|---|---:|---:|")
    for name in PHASES:
        ms = statistics.median(samples[name]) * 1000
        print(f"| {name} | {ms:.1f} | {ms / (step_s * 1000):.0%} |")
    print(f"| **step** | **{step_s * 1000:.0f}** | {args.batch_size * args.seq_len / step_s:,.0f} tokens/s |")

    if args.profile:
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for i in range(args.steps):
                hidden = _plain_step(model, model, optimizer, *window(i), hidden)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
