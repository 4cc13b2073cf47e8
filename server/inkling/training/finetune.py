"""Fine-tune a model on a project's own Python files: the corpus pipeline, then training from the model's
weights with its tokenizer; the new model is kept only when it beats the old one on held-out project files.

Where things go, under `out` (default: one cache folder per project, see `default_out`):

- `out/.work-<pid>-<id>/` is one run's private scratch space (its corpus and the model being trained). A run
  never writes anywhere else until it is done, so concurrent runs cannot see each other's half files.
- `out/models/<UTC time>-<id>/` is a finished model. It is published by one rename of the run's complete
  model folder (config, weights, tokenizer, training hashes all written and synced first), so a path in
  `models/` always names a whole model; only then is the path reported.
- A run that fails, is interrupted or does not improve removes its scratch folder and touches nothing else.
  A run killed outright (kill -9) leaves its scratch folder behind; the next run removes the scratch folders
  of processes that no longer exist.
- The model a run starts from (`model_dir`, the one in use) is never removed or written to, wherever it is.
- Clean-up rule: after publishing, a successful run removes the other folders of `out/models/` except the
  one it started from, so the cache holds at most two fine-tuned models: the new one and the one in use
  when training began (the fallback while the editor switches). A model outside `out/models/` (such as the
  `out/model` folder of earlier versions) is never touched. Removal renames the folder out of `models/`
  first, so a half-removed model is never left under a model's name.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from inkling.data.corpus import CorpusConfig, build_corpus, iter_documents
from inkling.errors import InklingError
from inkling.serving.checkpoint import CONFIG_FILE, RESUME_FILE
from inkling.training.train import Progress, TrainConfig, train

MODELS = "models"  # out/models/<name>: the published fine-tuned models
WORK_PREFIX = ".work-"  # out/.work-<pid>-<id>: one run's scratch folder
TRASH_PREFIX = ".trash-"  # out/.trash-<id>: a model being removed


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
    """Collect folder's Python files (15% held out) and train from model_dir's weights for `minutes`, in a
    scratch folder of out_dir; an improved model is published as a new folder of out_dir/models."""
    out_dir = out_dir.absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_work(out_dir)
    work = out_dir / f"{WORK_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    try:
        return _finetune(folder, model_dir, out_dir, work, minutes, progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _finetune(
    folder: Path, model_dir: Path, out_dir: Path, work: Path, minutes: float, progress: Progress | None
) -> FinetuneResult:
    corpus = work / "corpus"
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
    trained = work / "model"
    result = train(corpus, model_dir, trained, config, progress=progress)
    before = result.initial_valid_loss if result.initial_valid_loss is not None else math.inf
    improved = result.best_valid_loss < before and (trained / CONFIG_FILE).is_file()
    published = None
    if improved and not result.interrupted:
        published = _publish(trained, out_dir)
        _remove_old_models(out_dir, keep={published, model_dir})
    return FinetuneResult(
        model=published,
        files=report.splits["train"].files,
        held_out=report.splits["valid"].files,
        loss_before=before,
        loss_after=result.best_valid_loss,
        steps=result.steps,
        seconds=result.seconds,
        interrupted=result.interrupted,
    )


def _publish(trained: Path, out_dir: Path) -> Path:
    """Move the complete model folder into out_dir/models under a new name with one rename (after syncing
    its files and folder, so a crash cannot leave a model there whose files are not on disk)."""
    (trained / RESUME_FILE).unlink(missing_ok=True)  # optimizer state: not needed to use the model
    for path in trained.iterdir():
        if path.is_file():
            _fsync(path)
    _fsync(trained)
    models = out_dir / MODELS
    models.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    target = models / f"{stamp}-{uuid.uuid4().hex[:8]}"
    os.rename(trained, target)  # same file system (both under out_dir): atomic; fails if target exists
    _fsync(models)
    return target


def _remove_old_models(out_dir: Path, keep: set[Path]) -> None:
    """Remove out_dir/models/* except `keep` (compared after resolving symlinks and `..`)."""
    kept = {os.path.realpath(path) for path in keep}
    for path in sorted((out_dir / MODELS).iterdir()):
        if path.name.startswith(".") or os.path.realpath(path) in kept or path.is_symlink():
            continue
        trash = out_dir / f"{TRASH_PREFIX}{uuid.uuid4().hex[:8]}"
        with contextlib.suppress(OSError):  # gone already (another run removed it): nothing to do
            os.rename(path, trash)
            shutil.rmtree(trash, ignore_errors=True)


def _remove_stale_work(out_dir: Path) -> None:
    """Remove the scratch folders of runs whose process is gone (killed outright) and unfinished removals."""
    for path in out_dir.iterdir():
        if path.name.startswith(TRASH_PREFIX) or (
            path.name.startswith(WORK_PREFIX) and not _alive(path.name[len(WORK_PREFIX) :].split("-")[0])
        ):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Whether a process with this id exists (True when unsure, so another run's folder is left alone)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (best effort: some file systems refuse to sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
