"""The training loop: TBPTT over the corpus, AdamW with warm-up and cosine decay, evaluation, best checkpoint, resume."""

from __future__ import annotations

import json
import math
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from types import FrameType
from typing import Any

import torch
from tokenizers import Tokenizer
from torch.nn import functional as F
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from inkling.atomic import atomic_write
from inkling.data.corpus import TRAIN_HASHES_FILE, iter_documents, train_hashes
from inkling.data.transforms import TransformConfig
from inkling.errors import InklingError
from inkling.serving.checkpoint import load_checkpoint, save_checkpoint
from inkling.serving.config import PRESETS, ModelConfig
from inkling.serving.tokenizer import load_tokenizer, tokenizer_hash
from inkling.training import dataset
from inkling.training.distributed import (
    DistInfo,
    agreed_seconds,
    broadcast_flag,
    gather_rows,
    init_distributed,
    shutdown_distributed,
    summed,
)
from inkling.training.model import Hidden, RNNLanguageModel, repackage_hidden
from inkling.training.resume import ResumeState, load_resume, save_resume
from inkling.training.sampled import SampledLoss, sampling_distribution, token_counts
from inkling.training.score import evaluate

LOG_FILE = "train_log.jsonl"


@dataclass(frozen=True)
class TrainConfig:
    preset: str = "tiny"
    shape: dict[str, Any] = field(default_factory=dict)  # ModelConfig fields that override the preset's
    batch_size: int = 32
    seq_len: int = 64  # TBPTT window; the hidden state is carried across windows
    lr: float = 3e-3
    min_lr_ratio: float = 0.1  # cosine decay ends at lr * min_lr_ratio
    warmup_steps: int = 50
    weight_decay: float = 0.01
    grad_clip: float = 0.5
    eval_every: int = 200
    eval_tokens: int = 200_000  # validation tokens per evaluation (whole files from the start of the split)
    steps: int | None = None  # total optimizer steps; else derived from `minutes` or `epochs`
    epochs: float = 1.0
    minutes: float | None = None  # wall-clock budget; the schedule is fitted to it after a few steps
    seed: int = 0
    device: str = "cpu"
    threads: int | None = None  # torch intra-op threads (torch.set_num_threads); None leaves torch's default
    fim_rate: float = 0.5
    spm_rate: float = 0.5
    docstring_rate: float = 0.5
    comment_rate: float = 0.0
    sampled_softmax: int = 0  # > 0: the training loss over the target and this many sampled tokens (training/sampled.py)
    init_from: str | None = None  # fine-tune: start from this model folder (its shape, weights, tokenizer)

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise InklingError(f"unknown preset {self.preset!r}: choose from {', '.join(PRESETS)}")
        if "vocab_size" in self.shape:
            raise InklingError("--shape cannot set vocab_size: the vocabulary comes from the tokenizer")
        self.model_config(vocab_size=1)  # a bad name or value is an error now, not after the data has loaded
        if self.batch_size < 1 or self.seq_len < 2:
            raise InklingError("batch size must be >= 1 and sequence length >= 2")
        if self.steps is not None and self.steps < 1:
            raise InklingError("--steps must be positive")
        if self.minutes is not None and self.minutes <= 0:
            raise InklingError("--minutes must be positive")
        if self.threads is not None and self.threads < 1:
            raise InklingError("--threads must be positive")
        if self.sampled_softmax < 0:
            raise InklingError("--sampled-softmax must be 0 (the full softmax) or a positive sample size")
        if not all(
            0.0 <= r <= 1.0 for r in (self.fim_rate, self.spm_rate, self.docstring_rate, self.comment_rate)
        ):
            raise InklingError("transform rates must lie between 0 and 1")

    def model_config(self, vocab_size: int) -> ModelConfig:
        """The preset's shape with `shape`'s overrides, for a tokenizer of vocab_size tokens."""
        return ModelConfig.from_dict({**PRESETS[self.preset], **self.shape, "vocab_size": vocab_size})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        return cls(**{k: v for k, v in data.items() if k in {f.name for f in fields(cls)}})

    def transforms(self) -> TransformConfig:
        return TransformConfig(
            fim_rate=self.fim_rate,
            spm_rate=self.spm_rate,
            docstring_rate=self.docstring_rate,
            comment_rate=self.comment_rate,
        )


@dataclass(frozen=True)
class TrainResult:
    steps: int
    tokens: int
    best_valid_loss: float
    best_bits_per_byte: float
    seconds: float
    interrupted: bool
    initial_valid_loss: float | None = None  # fine-tuning: the starting model's validation loss


def lr_at(step: int, progress: float, config: TrainConfig) -> float:
    """Linear warm-up over the first steps, then cosine decay to lr * min_lr_ratio as progress goes 0 → 1."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    floor = config.lr * config.min_lr_ratio
    return floor + 0.5 * (config.lr - floor) * (1.0 + math.cos(math.pi * min(1.0, max(0.0, progress))))


class _StopFlag:
    """Turns Ctrl-C into a flag the loop checks between steps, so a save never happens mid-step."""

    def __init__(self) -> None:
        self.raised = False
        self._previous: Any = None

    def __enter__(self) -> _StopFlag:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread
            self._previous = None
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.raised = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


Progress = Callable[[dict[str, Any]], None]


def train(
    corpus_dir: Path,
    tokenizer_dir: Path,
    out_dir: Path,
    config: TrainConfig,
    resume: bool = False,
    progress: Progress | None = None,
) -> TrainResult:
    """Train (or with config.init_from fine-tune) and keep the best checkpoint in out_dir. `progress`
    hears {"fraction": 0..1, "step": N} as training goes and each evaluation's record."""
    info = init_distributed(config.device)
    threads_before = torch.get_num_threads()
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        return _train(corpus_dir, tokenizer_dir, out_dir, config, resume, info, progress or _quiet)
    finally:
        torch.set_num_threads(threads_before)
        shutdown_distributed(info)


def _quiet(record: dict[str, Any]) -> None:
    pass


def _start_model(config: TrainConfig, tokenizer: Tokenizer) -> RNNLanguageModel:
    """A fresh model of the preset's shape (with config.shape's overrides), or the model config.init_from
    names (which must have been trained with this tokenizer)."""
    if config.init_from is None:
        torch.manual_seed(config.seed)
        return RNNLanguageModel(config.model_config(tokenizer.get_vocab_size()))
    start = load_checkpoint(Path(config.init_from))
    if start.meta.get("tokenizer_hash") != tokenizer_hash(tokenizer):
        raise InklingError(f"{config.init_from} was trained with another tokenizer than the one given")
    torch.manual_seed(config.seed)
    return RNNLanguageModel.from_checkpoint(start).train()


def _train(
    corpus_dir: Path,
    tokenizer_dir: Path,
    out_dir: Path,
    config: TrainConfig,
    resume: bool,
    info: DistInfo,
    progress: Progress,
) -> TrainResult:
    if config.device.startswith("cuda") and not torch.cuda.is_available():
        raise InklingError("--device cuda was asked for, but no CUDA device is available")
    if config.batch_size % info.world_size:
        raise InklingError(
            f"batch size {config.batch_size} must divide evenly over {info.world_size} processes"
        )
    tokenizer = load_tokenizer(tokenizer_dir)
    state: ResumeState | None = load_resume(out_dir) if resume else None
    if resume and state is None:
        raise InklingError(f"nothing to resume in {out_dir}")
    if state is not None:
        if state.tokenizer_hash != tokenizer_hash(tokenizer):
            raise InklingError("the tokenizer differs from the one the interrupted run used")
        # Where and how fast to run comes from this command, not from the interrupted run.
        config = replace(
            TrainConfig.from_dict(state.train_config), device=config.device, threads=config.threads
        )
    train_texts = [doc.text for doc in iter_documents(corpus_dir, "train")]
    valid_texts = [doc.text for doc in iter_documents(corpus_dir, "valid")]
    if not train_texts:
        raise InklingError(f"{corpus_dir} has no training files")
    if not valid_texts:
        raise InklingError(f"{corpus_dir} has no validation files: give the corpus more files")

    model = _start_model(config, tokenizer).to(config.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    byte_len = dataset.byte_lengths(tokenizer)
    valid_rows = dataset.document_rows(tokenizer, valid_texts, 16, config.eval_tokens).to(config.device)

    step, epoch, batch_index, best_loss, best_bpb, elapsed = 0, 0, 0, math.inf, math.inf, 0.0
    total_steps = config.steps
    hidden: Hidden | None = None
    if state is not None:
        model.load_state_dict(state.model)
        optimizer.load_state_dict(state.optimizer)
        torch.set_rng_state(state.rng)
        step, epoch, batch_index = state.step, state.epoch, state.batch_index
        best_loss, best_bpb, elapsed, total_steps = (
            state.best_loss,
            state.best_bpb,
            state.elapsed,
            state.total_steps,
        )
        hidden = tuple(
            h[:, info.rank :: info.world_size].contiguous().to(config.device) for h in state.hidden
        )

    def rows_for(epoch: int) -> torch.Tensor:
        stream = dataset.epoch_stream(tokenizer, train_texts, config.seed, epoch, config.transforms())
        return dataset.batchify(stream, config.batch_size)[info.rank :: info.world_size].to(config.device)

    initial_loss = None
    if config.init_from is not None and state is None:  # only an improvement on the start is kept
        initial_loss, initial_bpb = evaluate(model, valid_rows, config.seq_len, byte_len)
        best_loss, best_bpb = initial_loss, initial_bpb
        progress({"step": 0, "valid_loss": round(initial_loss, 5), "bits_per_byte": round(initial_bpb, 5)})

    rows = rows_for(epoch)
    windows = dataset.num_windows(rows, config.seq_len)
    loss_of: torch.nn.Module = model
    if config.sampled_softmax:
        # Every rank samples from the whole batch's counts, as one process would.
        counts = summed(token_counts(rows, model.config.vocab_size), info)
        probs = sampling_distribution(counts)
        loss_of = SampledLoss(model, probs, config.sampled_softmax).to(config.device)
    net: torch.nn.Module = DistributedDataParallel(loss_of) if info.enabled else loss_of
    if total_steps is None and config.minutes is None:
        total_steps = max(1, round(windows * config.epochs))
    if hidden is None:
        hidden = model.init_hidden(rows.size(0), config.device)
    tokens_per_step = config.batch_size * config.seq_len
    tokens_at_start, started = step * tokens_per_step, time.perf_counter() - elapsed
    log_path = out_dir / LOG_FILE
    if info.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
        if state is None:
            log_path.unlink(missing_ok=True)
        # Shipped beside the weights so that `inkling eval` can refuse training files without the corpus.
        hashes = "".join(f"{h}\n" for h in sorted(train_hashes(corpus_dir)))
        atomic_write(out_dir / TRAIN_HASHES_FILE, lambda tmp: tmp.write_text(hashes, encoding="utf-8"))
    provenance = {"corpus": str(corpus_dir.resolve()), "config": asdict(config)}
    bar = tqdm(total=total_steps, initial=step, unit="step", disable=not info.is_main, dynamic_ncols=True)
    interrupted = False

    def save_state() -> None:
        assert hidden is not None
        full_hidden = tuple(gather_rows(h.detach().cpu(), info, dim=1) for h in hidden)
        if info.is_main:
            save_resume(
                out_dir,
                ResumeState(
                    model=model.state_dict(),
                    optimizer=optimizer.state_dict(),
                    rng=torch.get_rng_state(),
                    hidden=full_hidden,
                    step=step,
                    epoch=epoch,
                    batch_index=batch_index,
                    total_steps=total_steps,
                    best_loss=best_loss,
                    best_bpb=best_bpb,
                    elapsed=time.perf_counter() - started,
                    train_config=asdict(config),
                    tokenizer_hash=tokenizer_hash(tokenizer),
                ),
            )

    last_evaluated = step

    def evaluate_and_save() -> None:
        """Validate, log, keep the checkpoint if it is the best so far, and save the resume state."""
        nonlocal best_loss, best_bpb, last_evaluated
        loss, bpb = evaluate(model, valid_rows, config.seq_len, byte_len)
        if info.is_main:
            record = {
                "step": step,
                "tokens": step * tokens_per_step,
                "valid_loss": round(loss, 5),
                "bits_per_byte": round(bpb, 5),
                "seconds": round(time.perf_counter() - started, 1),
            }
            previous = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
            text = previous + json.dumps(record) + "\n"
            atomic_write(log_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
            tqdm.write(f"step {step}: valid loss {loss:.4f}, {bpb:.4f} bits/byte", file=sys.stderr)
            progress(record)
            if loss < best_loss:
                save_checkpoint(
                    out_dir, model.config, tokenizer, model.arrays(), {"training": {**record, **provenance}}
                )
        if loss < best_loss:
            best_loss, best_bpb = loss, bpb
        last_evaluated = step
        save_state()

    model.train()
    with _StopFlag() as stop:
        while total_steps is None or step < total_steps:
            if broadcast_flag(stop.raised, info):
                interrupted = True
                break
            seconds = time.perf_counter() - started
            if config.minutes is not None:
                seconds = agreed_seconds(seconds, info)
                if seconds > config.minutes * 60:
                    break
            if batch_index >= windows:
                epoch, batch_index = epoch + 1, 0
                rows = rows_for(epoch)
                windows = dataset.num_windows(rows, config.seq_len)
                hidden = model.init_hidden(rows.size(0), config.device)
            x, y = dataset.window(rows, batch_index, config.seq_len)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, _progress(step, total_steps, seconds, config), config)
            if not config.sampled_softmax:
                logits, hidden = net(x, hidden)
                loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
            else:
                loss, hidden = net(x, y, hidden)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            hidden = repackage_hidden(hidden)
            step, batch_index = step + 1, batch_index + 1
            bar.update(1)
            if step % 10 == 0 and info.is_main:
                seconds = time.perf_counter() - started
                fraction = step / total_steps if total_steps else seconds / (60 * (config.minutes or 1))
                progress({"step": step, "fraction": round(min(fraction, 1.0), 4)})
            rate = (step * tokens_per_step - tokens_at_start) / max(
                1e-9, time.perf_counter() - started - elapsed
            )
            postfix = {"loss": f"{loss.item():.3f}", "tok_s": f"{rate:,.0f}"}
            if config.minutes is not None:
                left = max(0, int(config.minutes * 60 - (time.perf_counter() - started)))
                postfix["left"] = f"{left // 60}:{left % 60:02d}"
            bar.set_postfix(postfix, refresh=False)
            if step % config.eval_every == 0 or step == total_steps:
                evaluate_and_save()
    bar.close()
    if interrupted:
        save_state()
    elif step != last_evaluated:  # stopped by the time budget between evaluations
        evaluate_and_save()
    return TrainResult(
        steps=step,
        tokens=step * tokens_per_step,
        best_valid_loss=best_loss,
        best_bits_per_byte=best_bpb,
        seconds=time.perf_counter() - started,
        interrupted=interrupted,
        initial_valid_loss=initial_loss,
    )


def _progress(step: int, total_steps: int | None, seconds: float, config: TrainConfig) -> float:
    """How far the decay has gone: by steps, or with a --minutes budget by time (speed varies on a shared
    machine, and the decay must end when the budget does)."""
    if total_steps is not None:
        return (step - config.warmup_steps) / max(1, total_steps - config.warmup_steps)
    assert config.minutes is not None
    return seconds / (config.minutes * 60)
