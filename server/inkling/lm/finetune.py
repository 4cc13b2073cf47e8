"""Fine-tune a model on a project's own Python files: the corpus pipeline, then training from the model's
weights with its tokenizer; the new model is kept only when it beats the old one on held-out project files."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from inkling.data.corpus import CorpusConfig, build_corpus, iter_documents
from inkling.errors import InklingError
from inkling.lm.checkpoint import CONFIG_FILE
from inkling.lm.train import Progress, TrainConfig, train


@dataclass(frozen=True)
class FinetuneResult:
    model: Path | None  # the fine-tuned model folder; None when it did not improve (or was interrupted)
    files: int  # project files trained on
    held_out: int  # project files held out to compare the models on
    loss_before: float  # validation loss (nats per token) of the starting model on the held-out files
    loss_after: float  # the best fine-tuned model's (equal to loss_before when it did not improve)
    steps: int
    seconds: float
    interrupted: bool

    def to_json(self) -> dict[str, object]:
        return {
            "model": str(self.model) if self.model else None,
            "files": self.files,
            "heldOut": self.held_out,
            "lossBefore": round(self.loss_before, 5),
            "lossAfter": round(self.loss_after, 5),
            "steps": self.steps,
            "seconds": round(self.seconds, 1),
            "interrupted": self.interrupted,
        }


def default_out(folder: Path) -> Path:
    """Where a project's fine-tuning goes: the user's cache, one folder per project path."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    resolved = folder.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return cache / "inkling" / "projects" / f"{resolved.name}-{digest}"


def finetune(
    folder: Path, model_dir: Path, out_dir: Path, minutes: float = 5.0, progress: Progress | None = None
) -> FinetuneResult:
    """Collect folder's Python files into out_dir/corpus (15% held out), then train from model_dir's
    weights for `minutes` into out_dir/model."""
    corpus = out_dir / "corpus"
    report = build_corpus([folder], corpus, CorpusConfig(valid_fraction=0.15, test_fraction=0.0))
    if not any(True for _ in iter_documents(corpus, "valid")):
        raise InklingError(f"{folder} has too few Python files to hold some out ({report.kept} usable)")
    config = TrainConfig(
        init_from=str(model_dir),
        minutes=minutes,
        lr=1e-3,  # a tenth of the step sizes of training from scratch: adapt, do not forget
        warmup_steps=10,
        batch_size=16,
        seq_len=64,
        eval_every=100,
        eval_tokens=100_000,
    )
    model_out = out_dir / "model"
    shutil.rmtree(model_out, ignore_errors=True)  # an earlier run's model must not pass for this one's
    result = train(corpus, model_dir, model_out, config, progress=progress)
    before = result.initial_valid_loss if result.initial_valid_loss is not None else math.inf
    improved = result.best_valid_loss < before and (model_out / CONFIG_FILE).is_file()
    return FinetuneResult(
        model=model_out if improved and not result.interrupted else None,
        files=report.splits["train"].files,
        held_out=report.splits["valid"].files,
        loss_before=before,
        loss_after=result.best_valid_loss,
        steps=result.steps,
        seconds=result.seconds,
        interrupted=result.interrupted,
    )
