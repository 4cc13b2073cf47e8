"""First-hover latency: the time to generate the hover comment of functions of a given length that were never hovered."""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import sys
import time
from pathlib import Path

from bench.harness import percentile
from inkling.cli import DEFAULT_MODEL
from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.serving.runtime import single_thread


def functions(files: list[Path], low: int, high: int) -> list[tuple[str, int, str]]:
    """(source, offset of the name, qualified label) of every function with low..high lines."""
    found = []
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        starts = [0]
        for line in source.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if low <= lines <= high:
                    offset = source.index(node.name, starts[node.lineno - 1] + node.col_offset)
                    found.append((source, offset, f"{path.name}:{node.lineno} {node.name}"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=Path, nargs="+", required=True, help="folders or .py files")
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--lines", default="40-60", help="function length range, in lines")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    single_thread()
    low, high = (int(x) for x in args.lines.split("-"))
    files = sorted(p for root in args.files for p in ([root] if root.is_file() else root.rglob("*.py")))
    targets = functions(files, low, high)[: args.limit]
    if not targets:
        print("no function of that length", file=sys.stderr)
        return 1
    engine = Engine(args.model or DEFAULT_MODEL)
    engine.load(engine.model_dir)  # loading is not part of a hover
    first, again, empty = [], [], 0
    for i, (source, offset, _label) in enumerate(targets):
        request = Request(source[:offset], source[offset:], f"file{i}#hover")
        start = time.perf_counter()
        summary = engine.summarize(request)
        first.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        engine.summarize(request)
        again.append(1000 * (time.perf_counter() - start))
        empty += summary is None
    result = {
        "functions": len(targets),
        "lines": [low, high],
        "first_p50_ms": statistics.median(first),
        "first_p95_ms": percentile(first, 95),
        "cached_p50_ms": statistics.median(again),
        "no_summary": empty,
    }
    print(
        f"{len(targets)} functions of {low}-{high} lines: first hover p50 {result['first_p50_ms']:.1f} ms, "
        f"p95 {result['first_p95_ms']:.1f} ms; hovering again p50 {result['cached_p50_ms']:.2f} ms; "
        f"{empty} without a summary"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
