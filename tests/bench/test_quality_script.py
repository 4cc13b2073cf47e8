"""bench/quality.py runs end to end on two tiny models over held-out code and writes the table, JSON and plot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import HELDOUT_PACKAGE, STDLIB

REPO = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def test_quality_table_for_two_models_beside_the_baseline(
    tmp_path: Path, tiny_model: Path, corpus_dir: Path
) -> None:
    code = tmp_path / "heldout"
    shutil.copytree(
        STDLIB / HELDOUT_PACKAGE, code / HELDOUT_PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    out, table, plot = tmp_path / "quality.json", tmp_path / "quality.md", tmp_path / "quality.svg"
    other_run = shutil.copytree(tiny_model, tmp_path / "other_run")  # plotted, not evaluated
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.quality",
            *("--models", f"a={tiny_model}", f"b={tiny_model}"),
            *("--heldout", str(code), "--corpus", str(corpus_dir)),
            *("--cuts", "12", "--keystroke-files", "1", "--keystroke-chars", "150"),
            *(
                "--json",
                str(out),
                "--markdown",
                str(table),
                "--plot",
                str(plot),
                "--curves",
                f"c={other_run}",
            ),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [row["name"] for row in data["models"]] == ["a", "b"]
    assert data["sets"]["heldout"]["cuts"] == 12 and data["sets"]["test"]["cuts"] == 12
    baseline = data["baseline"]
    assert baseline["name"] == "4-gram" and baseline["contexts"] > 0
    for row in [*data["models"], baseline]:
        for split in ("heldout", "test"):
            scores = row[split]
            assert scores["n"] == 12
            for key in ("exact_match", "edit_similarity", "first_token_accuracy", "suggested_pct"):
                assert 0.0 <= scores[key] <= 100.0
        keystrokes = row["keystrokes"]
        assert keystrokes["files"] == 1 and 0 < keystrokes["chars"] <= 150
        assert keystrokes["chars"] == keystrokes["typed"] + keystrokes["accepted_chars"]
        assert 0.0 <= keystrokes["saved_pct"] < 100.0
    a, b = data["models"]
    for key in ("exact_match", "edit_similarity", "first_token_accuracy", "suggested"):
        assert a["heldout"][key] == b["heldout"][key]  # the same model on the same cuts: the same answers
    assert a["parameters"] > 0 and a["size_mb"] > 0 and a["training_tokens"] > 0 and a["best_valid_loss"] > 0
    assert set(a["targets_met"]) == set(data["targets"])

    markdown = table.read_text(encoding="utf-8")
    assert "| a |" in markdown and "| b |" in markdown and "| 4-gram |" in markdown
    assert "| a |" in run.stdout
    root = ET.parse(plot).getroot()
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f"{SVG}polyline")) == 2  # a and c; b is a's training run again
    legend = {text.text for text in root.iter(f"{SVG}text")}
    assert {"a", "c"} <= legend and "b" not in legend


def test_quality_refuses_training_files(tmp_path: Path, tiny_model: Path, corpus_dir: Path) -> None:
    from inkling.data.corpus import iter_documents

    leaked = tmp_path / "leaked.py"
    leaked.write_text(next(iter_documents(corpus_dir, "train")).text, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.quality",
            *("--models", f"tiny={tiny_model}", "--heldout", str(leaked), "--corpus", str(tmp_path / "none")),
            *("--cuts", "5", "--keystroke-files", "0"),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2 and "in the training set" in run.stderr
