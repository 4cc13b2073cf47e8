"""finetune publishes each run's model as a new folder of out/models, never removes the model it started
from, keeps at most the new and the starting model there, and leaves nothing half-made behind; `inkling
finetune` stops on Ctrl-C even when its parent ignores SIGINT."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import STDLIB

from inkling.errors import InklingError
from inkling.serving.checkpoint import load_checkpoint
from inkling.training.finetune import MODELS, WORK_PREFIX, finetune


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(STDLIB / "asyncio", folder / "asyncio", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_runs_publish_new_folders_and_keep_the_model_they_start_from(tiny_model: Path, project: Path) -> None:
    out = project.parent / "out"
    legacy = out / "model"  # where earlier versions put the fine-tuned model (a user's modelPath may name it)
    shutil.copytree(tiny_model, legacy)
    stale = out / f"{WORK_PREFIX}{_dead_pid()}-abc"  # a run killed outright
    (stale / "model").mkdir(parents=True)

    first = finetune(project, legacy, out, minutes=0.05)  # from the tiny model: it always improves
    assert first.model is not None and first.model.parent == out / MODELS
    assert not stale.exists()
    second = finetune(project, first.model, out, minutes=0.05)  # may or may not improve on the first
    load_checkpoint(first.model)  # the model it started from (the one in use) is intact either way
    published = {first.model} | ({second.model} if second.model else set())
    assert second.model != first.model and set((out / MODELS).iterdir()) == published
    third = finetune(project, legacy, out, minutes=0.05)
    assert third.model is not None
    load_checkpoint(legacy)  # never touched
    assert sorted((out / MODELS).iterdir()) == [third.model]  # the others are not in use any more
    assert not [path for path in out.iterdir() if path.name.startswith(".")]  # no scratch or trash left
    assert not (third.model / "resume.safetensors").exists()  # optimizer state is not part of a model


def test_a_failed_run_leaves_nothing(tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InklingError):
        finetune(empty, tiny_model, out, minutes=0.05)
    assert sorted(out.iterdir()) == []


def test_ctrl_c_stops_a_finetune_started_with_sigint_ignored(tiny_model: Path, project: Path) -> None:
    """As from a server started in the background by a shell (`… &` ignores SIGINT, and exec keeps that): the
    server's Ctrl-C after the first progress record must still stop the run, not leave it to its budget."""
    command = [sys.executable, "-P", "-m", "inkling", "finetune", str(project), "--model", str(tiny_model)]
    child = subprocess.Popen(
        [*command, "--minutes", "2", "--json", "--out", str(project.parent / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert child.stdout is not None
        assert b'"progress"' in child.stdout.readline()  # the starting model's validation loss
        child.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, errors = child.communicate(timeout=60)  # without the fix: the whole two minutes
        assert child.returncode == 130, errors.decode()[-500:]
        assert time.monotonic() - started < 30
    finally:
        child.kill()
        child.wait()
