"""The whole pipeline through the real command line: corpus → tokenizer → train → eval → complete, and misuse."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import HELDOUT_PACKAGE, STDLIB

from inkling.context.snippets import SnippetIndex
from inkling.data.corpus import iter_documents


def inkling(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inkling", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr


@pytest.fixture(scope="module")
def pipeline(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pipeline")
    result = inkling("corpus", source_tree, "--out", work / "corpus")
    assert result.returncode == 0, result.stderr
    assert "kept" in result.stdout and "train" in result.stdout
    report = json.loads((work / "corpus" / "report.json").read_text())
    assert report["kept"] > 50

    result = inkling("tokenizer", "--corpus", work / "corpus", "--out", work / "tok", "--vocab-size", "800")
    assert result.returncode == 0, result.stderr

    result = inkling(
        "train", "--corpus", work / "corpus", "--tokenizer", work / "tok", "--out", work / "model",
        "--preset", "tiny", "--steps", "40", "--batch-size", "8", "--seq-len", "32", "--eval-every", "20",
        "--eval-tokens", "3000",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "best valid loss" in result.stdout
    assert "tok_s" in result.stderr  # the progress bar
    return work


def test_corpus_report_counts(pipeline: Path) -> None:
    report = json.loads((pipeline / "corpus" / "report.json").read_text())
    splits = report["splits"]
    assert {"train", "valid", "test"} <= set(splits)
    assert all(splits[name]["files"] > 0 for name in ("train", "valid", "test"))


def test_corpus_can_leave_out_folders_by_name(source_tree: Path, tmp_path: Path) -> None:
    result = inkling("corpus", source_tree, "--out", tmp_path / "corpus", "--exclude-dir", "email")
    assert result.returncode == 0, result.stderr
    paths = [d.path for split in ("train", "valid", "test") for d in iter_documents(tmp_path / "corpus", split)]
    assert paths and not any("/email/" in p for p in paths)
    assert any("/json/" in p for p in paths)


def test_snippets_index_the_training_splits_functions(pipeline: Path, tmp_path: Path) -> None:
    out = tmp_path / "functions.json.gz"
    result = inkling("snippets", "--corpus", pipeline / "corpus", "--out", out)
    assert result.returncode == 0, result.stderr
    index = SnippetIndex.load(out)
    train = {d.path for d in iter_documents(pipeline / "corpus", "train")}
    assert len(index) > 0 and {s.origin for s in index.snippets} <= train
    assert "functions" in result.stdout
    assert_one_line_error(inkling("snippets", "--corpus", tmp_path / "missing", "--out", out), "corpus")


def test_eval_reports_model_and_baseline(pipeline: Path, tmp_path: Path) -> None:
    heldout = tmp_path / HELDOUT_PACKAGE
    shutil.copytree(STDLIB / HELDOUT_PACKAGE, heldout, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "eval.json"
    result = inkling("eval", "--model", pipeline / "model", "--files", heldout, "--cuts", "30", "--json", out)
    assert result.returncode == 0, result.stderr
    assert "4-gram" in result.stdout and "bits per byte" in result.stdout
    data = json.loads(out.read_text())
    names = [row["name"] for row in data["scores"]]
    assert names == ["model", "4-gram"]
    assert all(row["n"] == 30 for row in data["scores"])
    assert 0 < data["bits_per_byte"] < 10
    # Same cut points, same seed: the run is reproducible.
    again = inkling("eval", "--model", pipeline / "model", "--files", heldout, "--cuts", "30", "--json", out)
    assert again.returncode == 0
    rerun = json.loads(out.read_text())
    for before, after in zip(data["scores"], rerun["scores"], strict=True):
        assert {**before, "seconds": 0} == {**after, "seconds": 0}
    assert rerun["examples"] == data["examples"]


def test_eval_refuses_training_files(pipeline: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copied.py"
    text = next(iter_documents(pipeline / "corpus", "train")).text
    copy.write_text(text.replace("    ", "\t"), encoding="utf-8")  # whitespace changes do not hide it
    result = inkling("eval", "--model", pipeline / "model", "--files", copy, "--cuts", "5")
    assert_one_line_error(result, "copied.py")


def test_complete_prints_a_line(pipeline: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\n\ndef size(path):\n    return os.path.\n", encoding="utf-8")
    result = inkling("complete", f"{sample}:5:20", "--model", pipeline / "model")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\n") and result.stdout.count("\n") == 1


def test_complete_with_the_shipped_model(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\n\ndef size(path):\n    return os.path.\n", encoding="utf-8")
    result = inkling("complete", f"{sample}:5:20")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the shipped model suggested nothing"


def test_misuse_gets_one_line_errors(pipeline: Path, tmp_path: Path) -> None:
    assert_one_line_error(inkling("corpus", tmp_path / "missing", "--out", tmp_path / "c"), "missing")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(inkling("corpus", tmp_path / "empty", "--out", tmp_path / "c"), "empty")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.py").write_bytes(b"\x00\x01\x02binary")
    (junk / "b.py").write_text("def broken(:\n", encoding="utf-8")
    assert_one_line_error(inkling("corpus", junk, "--out", tmp_path / "c"), "usable")
    assert_one_line_error(
        inkling("tokenizer", "--corpus", tmp_path / "empty", "--out", tmp_path / "t"), "corpus"
    )
    assert_one_line_error(inkling("complete", "nowhere.py:1:1", "--model", pipeline / "model"), "nowhere.py")
    assert_one_line_error(inkling("complete", "no-position", "--model", pipeline / "model"), "FILE:LINE:COL")
    sample = tmp_path / "s.py"
    sample.write_text("x = 1\n", encoding="utf-8")
    assert_one_line_error(inkling("complete", f"{sample}:9:1", "--model", pipeline / "model"), "no position")
    assert_one_line_error(inkling("complete", f"{sample}:1:1", "--model", tmp_path), "not a model")


def test_damaged_checkpoints_are_refused(pipeline: Path, tmp_path: Path) -> None:
    sample = tmp_path / "s.py"
    sample.write_text("x = 1\n", encoding="utf-8")
    truncated = tmp_path / "truncated"
    shutil.copytree(pipeline / "model", truncated)
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    assert_one_line_error(inkling("complete", f"{sample}:1:1", "--model", truncated), "truncated")
    mismatched = tmp_path / "mismatched"
    shutil.copytree(pipeline / "model", mismatched)
    shutil.copy(pipeline / "tok" / "tokenizer.json", mismatched / "tokenizer.json")
    other = inkling(
        "tokenizer", "--corpus", pipeline / "corpus", "--out", tmp_path / "tok2", "--vocab-size", "700"
    )
    assert other.returncode == 0
    shutil.copy(tmp_path / "tok2" / "tokenizer.json", mismatched / "tokenizer.json")
    assert_one_line_error(inkling("complete", f"{sample}:1:1", "--model", mismatched), "tokenizer")
