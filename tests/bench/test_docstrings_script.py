"""bench/docstrings.py runs end to end on a tiny trained model over real held-out code and scores all three methods."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import STDLIB

REPO = Path(__file__).resolve().parents[2]


def test_docstring_benchmark_on_heldout_modules(tmp_path: Path, tiny_model: Path, corpus_dir: Path) -> None:
    code = tmp_path / "heldout"
    code.mkdir()
    shutil.copy(STDLIB / "textwrap.py", code / "textwrap.py")  # neither is in the fixture corpus
    shutil.copytree(STDLIB / "tomllib", code / "tomllib", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "docstrings.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.docstrings",
            *("--files", str(code), "--model", str(tiny_model), "--corpus", str(corpus_dir)),
            *("--examples", "2", "--json", str(out)),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "smoothed BLEU-4" in run.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["pairs"] > 0 and data["retrieval_index"]["functions"] > 0
    assert set(data["methods"]) == {"model", "name", "retrieval"}
    for method in data["methods"].values():
        assert method["pairs"] == data["pairs"]
        assert 0.0 <= method["smoothed_bleu4"] <= 100.0
        assert 0.0 <= method["sacrebleu"] <= 100.0
    assert len(data["rows"]) == data["pairs"]
    row = data["rows"][0]
    assert row["reference"] and row["name"] and set(row["bleu"]) == {"model", "name", "retrieval"}
    assert 0 < data["latency"]["p50_ms"] <= data["latency"]["p95_ms"] <= data["latency"]["max_ms"]
