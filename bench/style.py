"""Measure the style layer: over whole files, is meaning (ast.dump) always preserved and is normalize
idempotent; over inline-sized snippets, how long does normalizing one take, beside black and ruff format.

    .venv/bin/python -m bench.style [--roots DIR ...] [--limit N] [--snippets N] [--json out.json]

Whole files run twice: in the style detected from the file itself, and in a contrasting style (the other
quote, two-space indentation, one blank line between definitions), which makes every rule work.
Snippets are the rest of a line after its indentation, cut from the same files, normalized where they land
(`style.fragment`, the server's path).
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from inkling.data.collect import find_candidates
from inkling.data.corpus import default_roots
from inkling.style.detect import Style, detect
from inkling.style.fragment import normalize_snippet
from inkling.style.normalize import normalize


def contrast(style: Style) -> Style:
    return replace(
        style,
        quote="'" if style.quote == '"' else '"',
        indent="  " if style.indent != "  " else "    ",
        blank_lines_top=1 if style.blank_lines_top != 1 else 2,
    )


def check_file(path: str) -> dict[str, Any]:
    """normalize in both styles: status, rules, meaning kept, idempotent, seconds."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        return {"path": path, "unreadable": f"{type(exc).__name__}"}
    out: dict[str, Any] = {"path": path, "bytes": len(source.encode())}
    own = detect(source)
    for label, style in (("own", own), ("contrast", contrast(own))):
        start = time.perf_counter()
        result = normalize(source, style)
        seconds = time.perf_counter() - start
        entry: dict[str, Any] = {
            "status": result.status,
            "reason": result.reason,
            "applied": list(result.applied),
            "rejected": list(result.rejected),
            "seconds": seconds,
        }
        if result.status in ("changed", "unchanged"):
            entry["meaning_kept"] = ast.dump(ast.parse(result.code)) == ast.dump(ast.parse(source))
            again = normalize(result.code, style)
            entry["idempotent"] = again.code == result.code
        out[label] = entry
    return out


def snippet_cases(paths: list[str], count: int, seed: int) -> list[tuple[str, str, str, Style]]:
    """(prefix, snippet, suffix, style): a code line's text after its indentation, as a suggestion."""
    rng = random.Random(seed)
    cases = []
    styles: dict[str, Style] = {}
    for _ in range(count):
        path = rng.choice(paths)
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path not in styles:
            styles[path] = detect(source)
        lines = source.split("\n")
        code = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
        if not code:
            continue
        i = rng.choice(code)
        offset = sum(len(line) + 1 for line in lines[:i])
        indent = len(lines[i]) - len(lines[i].lstrip())
        start = offset + indent
        end = offset + len(lines[i])
        cases.append((source[:start], source[start:end], source[end:], styles[path]))
    return cases


def time_snippets(cases: list[tuple[str, str, str, Style]]) -> dict[str, Any]:
    ours: list[float] = []
    changed = 0
    for prefix, snippet, suffix, style in cases:
        start = time.perf_counter()
        out = normalize_snippet(prefix, snippet, suffix, style)
        ours.append(time.perf_counter() - start)
        changed += out != snippet
    result: dict[str, Any] = {"snippets": len(cases), "changed": changed, "inkling": _stats(ours)}
    try:
        import black
    except ImportError:
        result["black"] = None
    else:
        times, failed = [], 0
        mode = black.Mode()
        for _, snippet, _, _ in cases:
            start = time.perf_counter()
            try:
                black.format_str(snippet + "\n", mode=mode)
            except Exception:
                failed += 1  # a fragment black cannot format (half a statement)
            times.append(time.perf_counter() - start)
        result["black"] = {**_stats(times), "failed": failed}
    result["ruff"] = _ruff(cases)
    return result


def _ruff(cases: list[tuple[str, str, str, Style]]) -> dict[str, Any] | None:
    """ruff has no Python API: one `ruff format -` process per snippet (process start included), and one
    `ruff format DIR` over every snippet written to its own file (the per-snippet share of one run)."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        return None
    per_process = []
    for _, snippet, _, _ in cases[:100]:
        start = time.perf_counter()
        subprocess.run([str(ruff), "format", "-"], input=snippet + "\n", capture_output=True, text=True)
        per_process.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        for i, (_, snippet, _, _) in enumerate(cases):
            (Path(folder) / f"s{i}.py").write_text(snippet + "\n", encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([str(ruff), "format", "--no-cache", folder], capture_output=True)
        batch = (time.perf_counter() - start) / max(len(cases), 1)
    return {"per_process": _stats(per_process), "batch_ms_per_snippet": 1000 * batch}


def _stats(seconds: list[float]) -> dict[str, float]:
    ms = sorted(1000 * s for s in seconds)
    if not ms:
        return {}
    return {
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))],
        "max_ms": ms[-1],
    }


def summarize(files: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "files": len(files),
        "unreadable": sum("unreadable" in f for f in files),
        "unreadable_files": [(f["path"], f["unreadable"]) for f in files if "unreadable" in f],
    }
    for label in ("own", "contrast"):
        entries = [f[label] for f in files if label in f]
        done = [e for e in entries if e["status"] in ("changed", "unchanged")]
        out[label] = {
            "normalized": len(done),
            "changed": sum(e["status"] == "changed" for e in entries),
            "skipped": Counter(e["reason"].split(" (")[0] for e in entries if e["status"] == "skipped"),
            "skipped_files": [
                (f["path"], f[label]["reason"]) for f in files if f.get(label, {}).get("status") == "skipped"
            ],
            "failed": [e["reason"] for e in entries if e["status"] == "failed"],
            "meaning_kept_pct": 100.0 * sum(e["meaning_kept"] for e in done) / max(len(done), 1),
            "idempotent_pct": 100.0 * sum(e["idempotent"] for e in done) / max(len(done), 1),
            "not_idempotent": [f["path"] for f in files if f.get(label, {}).get("idempotent") is False][:10],
            "applied": Counter(rule for e in entries for rule in e["applied"]),
            "rejected": Counter(rule for e in entries for rule in e["rejected"]),
            "rejected_files": [
                (f["path"], f[label]["rejected"]) for f in files if f.get(label, {}).get("rejected")
            ],
            "seconds": sum(e["seconds"] for e in entries),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--roots", nargs="+", type=Path, default=None, help="default: the standard library")
    parser.add_argument("--limit", type=int, default=0, help="files per root (0: all)")
    parser.add_argument("--snippets", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    all_paths: list[str] = []
    for root in args.roots or default_roots():
        paths = [str(c.path) for c in find_candidates(root, root.name)]
        if args.limit:
            paths = random.Random(args.seed).sample(paths, min(args.limit, len(paths)))
        all_paths += paths
        start = time.perf_counter()
        with multiprocessing.Pool(args.workers) as pool:
            files = pool.map(check_file, paths, chunksize=4)
        summary = summarize(files)
        summary["wall_s"] = time.perf_counter() - start
        results[str(root)] = summary
        print(
            f"== {root}: {summary['files']} files, {summary['unreadable']} unreadable ({summary['wall_s']:.0f} s)"
        )
        for label in ("own", "contrast"):
            s = summary[label]
            print(
                f"  {label:8} normalized {s['normalized']}, changed {s['changed']}, skipped {dict(s['skipped'])}, "
                f"failed {len(s['failed'])}; meaning kept {s['meaning_kept_pct']:.2f}%, idempotent "
                f"{s['idempotent_pct']:.2f}%; rules applied {dict(s['applied'])}, rejected {dict(s['rejected'])}"
            )
            for path, reason in s["skipped_files"][:12] if label == "own" else []:
                print(f"    skipped {path}: {reason}")
            for path, rules in s["rejected_files"][:12]:
                print(f"    {', '.join(rules)} thrown away in {path} (the syntax tree changed)")
            if s["not_idempotent"]:
                print(f"    not idempotent: {s['not_idempotent']}")
    cases = snippet_cases(all_paths, args.snippets, args.seed)
    timing = results["snippets"] = time_snippets(cases)
    print(
        f"== {timing['snippets']} inline-sized snippets (a line after its indentation), {timing['changed']} changed"
    )
    print(
        f"  inkling normalize_snippet: p50 {timing['inkling']['p50_ms']:.2f} ms, p95 {timing['inkling']['p95_ms']:.2f} ms"
    )
    if timing["black"]:
        b = timing["black"]
        print(
            f"  black.format_str:          p50 {b['p50_ms']:.2f} ms, p95 {b['p95_ms']:.2f} ms ({b['failed']} could not be formatted)"
        )
    if timing["ruff"]:
        r = timing["ruff"]
        print(
            f"  ruff format - (a process per snippet, 100 snippets): p50 {r['per_process']['p50_ms']:.2f} ms, "
            f"p95 {r['per_process']['p95_ms']:.2f} ms; one `ruff format DIR` run: {r['batch_ms_per_snippet']:.3f} ms per snippet"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
