"""Dynamic evaluation on held-out code: bits per byte with the model learning from each window it has scored,
per file (the weights reset at each file, as adapting to the open file would) and per project (they carry
over, as adapting to a workspace would), beside the frozen model in the same process.

    .venv/bin/python -m bench.dynamic_eval [--model DIR] [--heldout DIR ...] [--lrs 0.01 0.03 0.1]
        [--scopes file project] [--json OUT]

The frozen model is the row with lr 0. Files are taken in sorted order; the cost column is scoring plus the
SGD step, per 1,000 tokens, on one thread.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from bench.dynamic import dynamic_bits_per_byte
from inkling.eval.leakage import collect_eval_files, refuse_training_files
from inkling.eval.run import model_train_hashes
from inkling.serving.checkpoint import load_checkpoint

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
DEFAULT_HELDOUT = REPO / "runs" / "heldout" / "click-8.1.7" / "click"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--heldout", type=Path, nargs="+", default=[DEFAULT_HELDOUT])
    parser.add_argument("--lrs", type=float, nargs="+", default=[0.01, 0.03, 0.1])
    parser.add_argument("--scopes", nargs="+", default=["file", "project"], choices=("file", "project"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    checkpoint = load_checkpoint(args.model)
    files = collect_eval_files(args.heldout)
    refuse_training_files(files, model_train_hashes(args.model, None))
    texts = [text for _, text in files]
    frozen = dynamic_bits_per_byte(checkpoint, texts, lr=0.0)
    rows = [frozen] + [
        dynamic_bits_per_byte(checkpoint, texts, lr=lr, scope=scope)
        for scope in args.scopes
        for lr in args.lrs
    ]
    print(f"{len(texts)} files, {frozen.tokens:,} tokens; model {args.model}")
    print(f"{'scope':<8} {'lr':>6} {'bits/byte':>9} {'vs frozen':>9} {'ms/1k tokens':>12}")
    for row in rows:
        scope = row.scope if row.lr > 0 else "frozen"
        change = 100 * (row.bits_per_byte / frozen.bits_per_byte - 1)
        print(
            f"{scope:<8} {row.lr:>6g} {row.bits_per_byte:>9.4f} {change:>+8.1f}% {row.seconds_per_1k_tokens * 1000:>12.0f}"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
