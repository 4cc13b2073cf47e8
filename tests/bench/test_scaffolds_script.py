"""bench/scaffolds.py runs end to end on a small package with the tiny model: every test file it writes is
valid Python, imports, and pytest collects one test per function."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

REPO = Path(__file__).resolve().parents[2]


def make_package(root: Path) -> None:
    package = root / "shapes"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Shapes."""\n\nfrom shapes.area import square\n')
    (package / "area.py").write_text(
        dedent(
            """\
            from pathlib import Path


            def square(side: float) -> float:
                return side * side


            def save(path: Path, *, values: list[int]) -> None:
                path.write_text(str(values))


            async def fetch(name):
                return name
            """
        )
    )
    (package / "box.py").write_text(
        dedent(
            """\
            class Box:
                def __init__(self, width: int, height: int) -> None:
                    self.width, self.height = width, height

                def area(self) -> int:
                    return self.width * self.height

                @staticmethod
                def unit() -> "Box":
                    return Box(1, 1)

                @property
                def wide(self) -> bool:
                    return self.width > self.height


            def count(items):
                return len(items)
            """
        )
    )


def test_scaffolds_benchmark_on_a_small_package(tmp_path: Path, tiny_model: Path) -> None:
    make_package(tmp_path / "project")
    out = tmp_path / "scaffolds.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scaffolds",
            *("--root", str(tmp_path / "project"), "--package", "shapes", "--model", str(tiny_model)),
            *("--keep", str(tmp_path / "copy"), "--json", str(out)),
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["functions"] == data["built"] == 8
    assert data["valid_pct"] == 100.0 and data["importable_pct"] == 100.0, data["import_errors"]
    assert data["pytest"] == {"collected": 8, "errors": 0, "summary": data["pytest"]["summary"]}
    assert data["generated_accepted"] + data["fallback"] == 8
    tests = sorted(p.name for p in (tmp_path / "copy" / "tests").glob("*.py"))
    assert tests == ["test_area.py", "test_box.py"]
    box = (tmp_path / "copy" / "tests" / "test_box.py").read_text(encoding="utf-8")
    assert box.count("from shapes.box import Box\n") == 1 and "    result = Box.unit()\n" in box
    assert "valid Python:    100.0%" in run.stdout
