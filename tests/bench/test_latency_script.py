"""bench/latency.py --tiny runs end to end against the shipped model and writes every section with sane numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "server" / "inkling" / "assets" / "default"


def test_tiny_benchmark_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.latency",
            "--tiny",
            "--json",
            str(out),
            "--model",
            str(MODEL),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,  # ~30 s on an idle 2-core machine; generous for a busy one
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in data
    assert set(data["phase_seconds"]) == {
        "cold_start",
        "typing",
        "memory",
        "line_completion",
        "completion",
        "decode",
    }

    typing = data["typing"]
    assert typing["keystrokes"] == 40
    assert typing["answered"] + typing["cancelled"] + typing["errors"] + typing["unanswered"] == 40
    assert typing["answered"] > 0 and typing["errors"] == typing["unanswered"] == 0
    assert 0 < typing["p50_ms"] <= typing["p95_ms"] <= typing["p99_ms"] <= typing["max_ms"]
    assert 0.0 <= typing["nonempty_share"] <= 1.0 and typing["pause_p50_ms"] > 0

    cold = data["cold_start"]
    assert len(cold["seconds"]) == 1 and cold["median_s"] > 0

    assert data["memory"]["vm_hwm_kib"] > 0

    decode = data["decode"]
    assert decode["threads"] >= 1 and decode["parameters"] > 0
    assert 0 < decode["floor_ms_per_token"] < decode["ms_per_token"]

    line = data["line_completion"]
    assert line["n"] == 10
    assert 0 <= line["suggested"] <= line["n"]
    assert 0 <= line["exact_match"] <= 100 and 0 <= line["first_token_accuracy"] <= 100
    assert 0 <= line["edit_similarity"] <= 100 and line["p50_ms"] > 0

    completion = data["completion"]
    assert "inkling" in completion
    for entry in completion.values():
        if entry["supported"]:
            assert entry["answered"] + entry["errors"] == entry["requests"] == 10
            assert 0 <= entry["first_token_accuracy"] <= 100
    if "jedi" in completion:
        assert completion["jedi"]["supported"] and completion["jedi"]["p50_ms"] > 0
