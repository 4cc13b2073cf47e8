"""Training: the loss falls, the best checkpoint is kept, Ctrl-C saves, --resume continues exactly, DDP agrees."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from inkling.errors import InklingError
from inkling.serving.checkpoint import load_checkpoint
from inkling.training.train import TrainConfig, lr_at, train

TRAIN_ARGS = [
    "--preset",
    "tiny",
    "--batch-size",
    "8",
    "--seq-len",
    "16",
    "--eval-tokens",
    "2000",
    "--fim-rate",
    "0.5",
]


def _inkling(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inkling", *args], capture_output=True, text=True, **kwargs)


def _two_processes(*args: str) -> subprocess.CompletedProcess[str]:
    """`inkling train` with DDP over gloo in two processes of one thread each."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [*command, "-m", "inkling", "train", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_tiny_training_learns(tiny_model: Path) -> None:
    log = [json.loads(line) for line in (tiny_model / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [30, 60]
    assert log[-1]["valid_loss"] < 6.0  # ln(600) = 6.4 for a uniform guess over the vocabulary
    loaded = load_checkpoint(tiny_model)
    best = min(r["valid_loss"] for r in log)
    assert loaded.meta["training"]["valid_loss"] == best
    assert 0 < loaded.meta["training"]["bits_per_byte"] < 8


def test_schedule_warms_up_then_decays() -> None:
    config = TrainConfig(lr=1.0, warmup_steps=10, min_lr_ratio=0.1)
    lrs = [lr_at(step, (step - 10) / 90, config) for step in range(101)]
    assert lrs[0] == pytest.approx(0.1)
    assert lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(lrs[9:]))
    assert lrs[-1] == pytest.approx(0.1)
    assert lr_at(50, 2.0, config) == pytest.approx(0.1)  # past the budget: stays at the floor


def _resume_tensors(out: Path) -> dict[str, torch.Tensor]:
    return {k: v for k, v in load_file(str(out / "resume.safetensors")).items() if k.startswith("model.")}


def test_interrupted_and_resumed_equals_uninterrupted(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    common = ["--corpus", str(corpus_dir), "--tokenizer", str(tokenizer_dir), *TRAIN_ARGS, "--steps", "400"]
    straight = tmp_path / "straight"
    assert _inkling("train", *common, "--out", str(straight), "--eval-every", "25").returncode == 0

    resumed = tmp_path / "resumed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "inkling", "train", *common, "--out", str(resumed), "--eval-every", "25"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (resumed / "resume.safetensors").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "continue with --resume" in err
    assert "Traceback" not in err
    step_at_stop = json.loads(Path(resumed / "config.json").read_text())["training"]["step"]
    assert step_at_stop < 400

    result = _inkling("train", *common, "--out", str(resumed), "--eval-every", "25", "--resume")
    assert result.returncode == 0, result.stderr
    a, b = _resume_tensors(straight), _resume_tensors(resumed)
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name
    assert (straight / "train_log.jsonl").read_text().count("\n") == (
        resumed / "train_log.jsonl"
    ).read_text().count("\n")


def test_resume_without_a_run(corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InklingError, match="nothing to resume"):
        train(corpus_dir, tokenizer_dir, tmp_path, TrainConfig(steps=5), resume=True)


def test_bad_options(corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path) -> None:
    result = _inkling(
        "train",
        "--corpus",
        str(corpus_dir),
        "--tokenizer",
        str(tokenizer_dir),
        "--out",
        str(tmp_path),
        "--preset",
        "huge",
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown preset" in result.stderr
    result = _inkling(
        "train", "--corpus", str(tmp_path / "nope"), "--tokenizer", str(tokenizer_dir), "--out", str(tmp_path)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_shape_overrides_the_preset_and_is_recorded(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    args = ["train", "--corpus", str(corpus_dir), "--tokenizer", str(tokenizer_dir), "--out", str(tmp_path)]
    result = _inkling(*args, "--steps", "2", "--shape", "cell=gru", "--shape", "n_hidden=40")
    assert result.returncode == 0, result.stderr
    model = load_checkpoint(tmp_path).config
    assert (model.cell, model.n_hidden, model.n_embd) == ("gru", 40, 32)  # n_embd from the tiny preset
    for bad, message in (
        ("vocab_size=9", "vocabulary comes from the tokenizer"),
        ("width=3", "unknown model"),
    ):
        result = _inkling(*args, "--steps", "2", "--shape", bad)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("loss", [[], ["--sampled-softmax", "32"]], ids=["full", "sampled"])
def test_two_process_ddp_matches_one_process(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path, loss: list[str]
) -> None:
    """Two gloo processes with half the batch each end with the weights of one process with the whole batch
    (with a sampled softmax too: every rank draws the same sample, as one process draws it for the batch)."""
    common = [
        "--corpus",
        str(corpus_dir),
        "--tokenizer",
        str(tokenizer_dir),
        *TRAIN_ARGS,
        *loss,
        "--steps",
        "12",
        "--eval-every",
        "6",
    ]
    single = _inkling("train", *common, "--out", str(tmp_path / "one"))
    assert single.returncode == 0, single.stderr
    ddp = _two_processes(*common, "--out", str(tmp_path / "two"))
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    one, two = _resume_tensors(tmp_path / "one"), _resume_tensors(tmp_path / "two")
    for name in one:
        assert torch.allclose(one[name], two[name], atol=1e-5), name
    assert load_checkpoint(tmp_path / "two").meta["training"]["step"] == 12


def test_a_two_process_run_interrupted_and_resumed_equals_one_uninterrupted(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    """Ctrl-C in the terminal reaches the launcher and both ranks; they stop together and save, and
    `--resume` with two processes ends with the weights of the run that was never stopped."""
    common = [
        *("--corpus", str(corpus_dir), "--tokenizer", str(tokenizer_dir), *TRAIN_ARGS),
        *("--sampled-softmax", "32", "--steps", "300", "--eval-every", "20"),
    ]
    straight = _two_processes(*common, "--out", str(tmp_path / "straight"))
    assert straight.returncode == 0, straight.stderr[-3000:]

    resumed = tmp_path / "resumed"
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    proc = subprocess.Popen(
        [*launcher, "-m", "inkling", "train", *common, "--out", str(resumed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while not (resumed / "resume.safetensors").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert "continue with --resume" in err, err[-3000:]
    step_at_stop = load_checkpoint(resumed).meta["training"]["step"]
    assert step_at_stop < 300

    again = _two_processes(*common, "--out", str(resumed), "--resume")
    assert again.returncode == 0, again.stderr[-3000:]
    a, b = _resume_tensors(tmp_path / "straight"), _resume_tensors(resumed)
    for name in a:
        assert torch.equal(a[name], b[name]), name


def test_threads_option_holds_for_the_run_and_is_recorded(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    before = torch.get_num_threads()
    wanted = 1 if before != 1 else 2
    seen: list[int] = []
    config = TrainConfig(batch_size=8, seq_len=16, eval_tokens=2000, steps=4, eval_every=2, threads=wanted)
    train(
        corpus_dir,
        tokenizer_dir,
        tmp_path / "api",
        config,
        progress=lambda _: seen.append(torch.get_num_threads()),
    )
    assert seen and set(seen) == {wanted}
    assert torch.get_num_threads() == before  # the caller's setting comes back
    args = [
        "train",
        "--corpus",
        str(corpus_dir),
        "--tokenizer",
        str(tokenizer_dir),
        *TRAIN_ARGS,
        "--steps",
        "2",
    ]
    result = _inkling(*args, "--out", str(tmp_path / "cli"), "--threads", "1")
    assert result.returncode == 0, result.stderr
    assert load_checkpoint(tmp_path / "cli").meta["training"]["config"]["threads"] == 1
    with pytest.raises(InklingError, match="--threads must be positive"):
        TrainConfig(threads=0)


def test_two_process_ddp_under_a_time_budget_stops_together(
    corpus_dir: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    """Under --minutes the ranks agree on the elapsed time: none steps on alone into a collective the others
    never join (which hung the run after its last evaluation)."""
    ddp = _two_processes(
        *("--corpus", str(corpus_dir), "--tokenizer", str(tokenizer_dir), *TRAIN_ARGS),
        *("--minutes", "0.1", "--eval-every", "7", "--threads", "1", "--out", str(tmp_path)),
    )
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    assert load_checkpoint(tmp_path).meta["training"]["step"] > 0
