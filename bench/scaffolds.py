"""Build a unit test scaffold for every top-level function and method of a held-out package with the real
model, accumulated into per-module test files as the product writes them, and report how many are valid
Python, import, and are collected by pytest.

    python -m bench.scaffolds --json runs/scaffolds.json       # click 8.1.7, the shipped model
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.harness import no_nan, percentile
from inkling.completion.engine import Engine
from inkling.completion.scaffold import build, plan

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
DEFAULT_ROOT = REPO / "runs" / "heldout" / "click-8.1.7"
# Loads one test file by its path with only the project root on sys.path (-I: no PYTHONPATH, no cwd).
IMPORT_FILE = (
    "import importlib.util, sys; sys.path.insert(0, sys.argv[1]); "
    "spec = importlib.util.spec_from_file_location('scaffold_under_test', sys.argv[2]); "
    "spec.loader.exec_module(importlib.util.module_from_spec(spec))"
)
IMPORT_MODULE = "import importlib, sys; sys.path.insert(0, sys.argv[1]); importlib.import_module(sys.argv[2])"


@dataclass
class Record:
    """One function's scaffold."""

    source: str  # the module's path under the root
    function: str  # Class.method or function
    test_file: str = ""
    planned: bool = False
    valid: bool = False
    generated: int = 0  # assertion lines from the model
    ms: float = 0.0
    importable: bool = False
    module_importable: bool = False  # the module under test imports on this platform


def targets(package: Path) -> list[tuple[Path, str, int, str]]:
    """(file, source, offset of the def's name, label) for every top-level function and method of a
    top-level class, in file order."""
    out = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        starts = [0]
        for line in source.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        for node in tree.body:
            members = node.body if isinstance(node, ast.ClassDef) else [node]
            owner = f"{node.name}." if isinstance(node, ast.ClassDef) else ""
            for f in members:
                if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef):
                    line = source[starts[f.lineno - 1] : starts[f.lineno]]
                    name_at = re.search(rf"def\s+({f.name})\b", line)
                    offset = starts[f.lineno - 1] + (name_at.start(1) if name_at else f.col_offset)
                    out.append((path, source, offset, owner + f.name))
    return out


def imports(root: Path, code: str, target: str) -> tuple[bool, str]:
    """Whether `code` (IMPORT_FILE or IMPORT_MODULE) imports `target` in a fresh isolated interpreter; the
    error's last line when not."""
    run = subprocess.run(
        [sys.executable, "-I", "-B", "-c", code, str(root), target],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = run.stderr.strip().splitlines()
    return run.returncode == 0, lines[-1] if lines else ""


def collect(root: Path) -> dict[str, Any]:
    """`pytest --collect-only -q` over root/tests, run from root (`python -m` puts root on sys.path)."""
    run = subprocess.run(
        [sys.executable, "-B", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = run.stdout.strip().splitlines()[-1:] or [""]
    collected = re.search(r"(\d+) tests? collected", tail[0])
    errors = re.search(r"(\d+) errors?", tail[0])
    return {
        "collected": int(collected.group(1)) if collected else 0,
        "errors": int(errors.group(1)) if errors else 0,
        "summary": tail[0],
    }


def run(root: Path, package: str, model: Path, work: Path, limit: int) -> dict[str, Any]:
    shutil.copytree(root / package, work / package, ignore=shutil.ignore_patterns("__pycache__"))
    engine = Engine(model)
    engine.suggest_text("import os\n\n\ndef size(path):\n    return os.path.", "")  # loads the model

    def complete_line(prefix: str) -> str:
        return engine.suggest_text(prefix, "")

    records: list[Record] = []
    found = targets(work / package)
    for path, source, offset, label in found[: limit or None]:
        record = Record(str(path.relative_to(work)), label)
        records.append(record)
        where = plan(source, offset, path, work)
        if where is None:
            continue
        record.planned = True
        existing = where.test_path.read_text(encoding="utf-8") if where.test_path.exists() else None
        start = time.perf_counter()
        scaffold = build(where, existing, complete_line)
        record.ms = 1000 * (time.perf_counter() - start)
        record.generated = scaffold.generated
        record.test_file = str(scaffold.test_path.relative_to(work))
        try:
            ast.parse(scaffold.text)
            record.valid = True
        except SyntaxError:
            pass
        scaffold.test_path.parent.mkdir(parents=True, exist_ok=True)
        scaffold.test_path.write_text(scaffold.text, encoding="utf-8")

    import_errors: dict[str, str] = {}
    for test_file in sorted({r.test_file for r in records if r.test_file}):
        ok, error = imports(work, IMPORT_FILE, str(work / test_file))
        if not ok:
            import_errors[test_file] = error
    module_errors: dict[str, str] = {}
    for source in sorted({r.source for r in records}):
        dotted = ".".join(Path(source).with_suffix("").parts).removesuffix(".__init__")
        ok, error = imports(work, IMPORT_MODULE, dotted)
        if not ok:
            module_errors[source] = error
    for r in records:
        r.importable = r.planned and r.test_file not in import_errors
        r.module_importable = r.source not in module_errors
    return summarize(records, import_errors, module_errors, collect(work), len(found))


def summarize(
    records: list[Record],
    import_errors: dict[str, str],
    module_errors: dict[str, str],
    pytest: dict[str, Any],
    found: int,
) -> dict[str, Any]:
    built = [r for r in records if r.planned]
    here = [r for r in built if r.module_importable]

    def pct(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else float("nan")

    times = [r.ms for r in built]
    return {
        "functions": len(records),
        "functions_in_package": found,
        "built": len(built),
        "valid_pct": pct(sum(r.valid for r in built), len(built)),
        "importable_pct": pct(sum(r.importable for r in built), len(built)),
        "importable_where_module_imports_pct": pct(sum(r.importable for r in here), len(here)),
        "test_files": len({r.test_file for r in built}),
        "import_errors": import_errors,
        "modules_not_importable_here": module_errors,
        "pytest": pytest,
        "generated_accepted": sum(r.generated > 0 for r in built),
        "generated_lines": sum(r.generated for r in built),
        "fallback": sum(r.generated == 0 for r in built),
        "build_p50_ms": percentile(times, 50),
        "build_p95_ms": percentile(times, 95),
        "records": [asdict(r) for r in records],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the project: default click 8.1.7")
    parser.add_argument("--package", default="click", help="the package folder under --root")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--limit", type=int, default=0, help="functions (0: all)")
    parser.add_argument("--keep", type=Path, help="write the copy and its tests here, not to a temp folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.root / args.package).is_dir():
        print(f"no package at {args.root / args.package} (scripts/train_default_model.sh fetches click)")
        return 2
    with tempfile.TemporaryDirectory(prefix="inkling_scaffolds_") as tmp:
        work = args.keep or Path(tmp)
        if args.keep:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
        data = run(args.root, args.package, args.model, work, args.limit)
    data = {"root": str(args.root), "package": args.package, "model": str(args.model), **data}
    built = data["built"]
    print(f"scaffolds built: {built} / {data['functions']} functions ({data['test_files']} test files)")
    print(f"valid Python:    {data['valid_pct']:.1f}%")
    print(
        f"importable:      {data['importable_pct']:.1f}%"
        f" ({data['importable_where_module_imports_pct']:.1f}% of those whose module imports here)"
    )
    for file, error in data["import_errors"].items():
        print(f"    {file}: {error}")
    for file, error in data["modules_not_importable_here"].items():
        print(f"    module {file} does not import here: {error}")
    pytest = data["pytest"]
    print(f"pytest --collect-only: {pytest['collected']} collected, {pytest['errors']} errors")
    print(
        f"assertions: {data['generated_accepted']} with a generated one ({data['generated_lines']} lines),"
        f" {data['fallback']} fallback"
    )
    print(f"build time per scaffold: p50 {data['build_p50_ms']:.1f} ms, p95 {data['build_p95_ms']:.1f} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(no_nan(data), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
