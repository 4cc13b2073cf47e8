"""Score the hover comment (a generated first docstring line) against held-out docstrings, beside the function-name and nearest-training-function baselines.

    .venv/bin/python -m bench.docstrings [--files DIR ...] [--model DIR] [--corpus DIR] [--limit N] [--json out.json]

Pairs: every function and method of the held-out files (default click 8.1.7, fetched by
scripts/train_default_model.sh) whose docstring's first sentence has at least three words, dunder methods
and docstring-only bodies left out. Reference: that first sentence. The model answers through the product's
hover path (`Engine.summarize` with the cursor on the function's name; the engine leaves the docstring out
of the prompt), on one thread as the server runs it. Every answer is cut to its first sentence by the same
function as the reference. Baselines: the name split into words, and the first sentence of the training
function (the corpus's train split) with the highest token Jaccard similarity.

Metrics: smoothed sentence BLEU-4 as the CodeXGLUE code-to-text evaluator computes it (bench.bleu),
averaged over pairs, and sacreBLEU's corpus BLEU (default settings: 13a tokens, cased).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sacrebleu

from bench.bleu import sentence_bleu, smoothed_bleu
from bench.docstring_pairs import (
    Pair,
    RetrievalIndex,
    code_tokens,
    extract_pairs,
    first_sentence,
    split_name,
)
from bench.harness import percentile
from inkling.cli import DEFAULT_MODEL
from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.data.corpus import iter_documents
from inkling.serving.runtime import single_thread

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILES = REPO / "runs" / "heldout" / "click-8.1.7" / "click"
DEFAULT_CORPUS = REPO / "runs" / "stdlib" / "corpus"
METHODS = {"model": "inkling (hover)", "name": "function name", "retrieval": "nearest train fn"}
TARGET = 18.0  # smoothed BLEU-4; CodeXGLUE Python: RNN seq2seq 15.93, CodeBERT 19.06 (other data)


def collect_pairs(roots: list[Path]) -> tuple[list[Pair], Counter[str], int]:
    """Every pair of the .py files under the roots (sorted), the reasons others were left out, file count."""
    files = sorted({p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py"))})
    pairs: list[Pair] = []
    skipped: Counter[str] = Counter()
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            skipped["unreadable file"] += 1
            continue
        found, left_out = extract_pairs(source, str(path))
        pairs += found
        skipped += left_out
    return pairs, skipped, len(files)


def generate(engine: Engine, pair: Pair) -> tuple[str, float]:
    """The model's first sentence for the pair (cursor inside the function's name) and its latency in ms."""
    cursor = pair.name_start + 1
    request = Request(pair.source[:cursor], pair.source[cursor:], f"{Path(pair.path).as_uri()}#hover")
    start = time.perf_counter()
    summary = engine.summarize(request)
    ms = 1000.0 * (time.perf_counter() - start)
    return (first_sentence(summary.text) if summary is not None else ""), ms


SACREBLEU = sacrebleu.BLEU()  # the defaults: 13a tokens, cased, exponential smoothing


def scores(references: list[str], hypotheses: list[str]) -> dict[str, Any]:
    return {
        "smoothed_bleu4": smoothed_bleu(references, hypotheses),
        "sacrebleu": SACREBLEU.corpus_score(hypotheses, [references]).score,
        "pairs": len(references),
        "empty": sum(not h for h in hypotheses),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", nargs="+", type=Path, default=[DEFAULT_FILES], help="folders or files")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="its train split: retrieval")
    parser.add_argument("--limit", type=int, default=0, help="pairs, a seeded sample (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=int, default=6)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    pairs, skipped, file_count = collect_pairs(args.files)
    if args.limit and len(pairs) > args.limit:
        pairs = sorted(random.Random(args.seed).sample(pairs, args.limit), key=lambda p: (p.path, p.line))
    if not pairs:
        print(f"no pairs in {[str(f) for f in args.files]}", file=sys.stderr)
        return 1

    index_start = time.perf_counter()
    index = RetrievalIndex.from_sources(d.text for d in iter_documents(args.corpus, "train"))
    index_s = time.perf_counter() - index_start

    single_thread()  # as `inkling serve` runs the model
    engine = Engine(args.model)
    load_start = time.perf_counter()
    engine.runtime  # noqa: B018 (load the model before timing)
    load_s = time.perf_counter() - load_start

    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    for pair in pairs:
        generated, ms = generate(engine, pair)
        latencies.append(ms)
        answers = {
            "model": generated,
            "name": split_name(pair.name),
            "retrieval": index.nearest(code_tokens(pair.code)),
        }
        rows.append(
            {
                "path": pair.path,
                "line": pair.line,
                "function": pair.qualname,
                "reference": pair.reference,
                **answers,
                "bleu": {m: sentence_bleu(pair.reference, a) for m, a in answers.items()},
                "ms": ms,
            }
        )

    references = [row["reference"] for row in rows]
    methods = {m: scores(references, [row[m] for row in rows]) for m in METHODS}
    latency = {
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
        "max_ms": max(latencies),
    }
    result: dict[str, Any] = {
        "model": str(args.model),
        "files": [str(f) for f in args.files],
        "file_count": file_count,
        "pairs": len(rows),
        "skipped": dict(skipped),
        "retrieval_index": {"functions": len(index), "corpus": str(args.corpus), "seconds": index_s},
        "methods": methods,
        "latency": latency,
        "model_load_s": load_s,
        "sacrebleu_signature": str(SACREBLEU.get_signature()),
        "target_smoothed_bleu4": TARGET,
        "rows": rows,
    }

    print(
        f"== docstring generation: {len(rows)} functions from {file_count} files "
        f"(left out: {dict(skipped) or 'none'}); retrieval over {len(index)} train functions"
    )
    print(f"  {'method':20} {'smoothed BLEU-4':>16} {'sacreBLEU':>10} {'pairs':>6} {'empty':>6}")
    for method, label in METHODS.items():
        s = methods[method]
        print(
            f"  {label:20} {s['smoothed_bleu4']:16.2f} {s['sacrebleu']:10.2f} {s['pairs']:6d} {s['empty']:6d}"
        )
    print(
        f"  model latency per function: p50 {latency['p50_ms']:.0f} ms, p95 {latency['p95_ms']:.0f} ms, "
        f"max {latency['max_ms']:.0f} ms (model load {load_s:.2f} s, one thread)"
    )
    print(
        f"  target: smoothed BLEU-4 >= {TARGET:.0f} (CodeXGLUE Python, other data: RNN seq2seq 15.93, "
        "CodeBERT 19.06)"
    )
    for row in random.Random(args.seed).sample(rows, min(args.examples, len(rows))):
        print(f"  -- {row['function']} ({Path(row['path']).name}:{row['line']})")
        print(f"     reference:  {row['reference']}")
        for method, label in METHODS.items():
            print(f"     {label + ':':19} {row[method]!r} ({row['bleu'][method]:.1f})")
    result["wall_s"] = time.perf_counter() - started
    print(f"  wall time {result['wall_s']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
