"""bench/style.py runs end to end on a small package and reports meaning kept and idempotence for every file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import STDLIB

REPO = Path(__file__).resolve().parents[2]


def test_style_benchmark_on_one_package(tmp_path: Path) -> None:
    out = tmp_path / "style.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.style",
            *("--roots", str(STDLIB / "json"), "--snippets", "30", "--workers", "1", "--json", str(out)),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    (package,) = [value for key, value in data.items() if key != "snippets"]
    assert package["files"] >= 5
    for label in ("own", "contrast"):
        assert package[label]["normalized"] == package["files"]
        assert package[label]["meaning_kept_pct"] == 100.0
        assert package[label]["idempotent_pct"] == 100.0
    assert package["contrast"]["changed"] == package["files"]  # the other quote and indent: every file moves
    snippets = data["snippets"]
    assert snippets["snippets"] == 30 and snippets["inkling"]["p50_ms"] > 0
