"""The adversarial discriminator as a beam reranker: train it to tell the real continuation from the model's
other candidates on cut points of the corpus's valid split, then rerank the beam on held-out cut points and
compare exact match with the model's own order, in the same process.

    .venv/bin/python -m bench.discriminator [--model DIR] [--corpus DIR] [--heldout DIR ...]
        [--train-cuts 600] [--cuts 300] [--beam 5] [--json OUT]

Each cut point gets the beam's hypotheses that survive post-processing (up to --beam, the search continuing
until that many have finished), through the product's path (`Engine.survivors`). A candidate is real when its
first line is the rest of the line. The table gives exact match and edit similarity of the model's first
candidate, of the discriminator's choice, and of an oracle that picks a right candidate whenever the beam
holds one (the ceiling of any reranker); plus the milliseconds per cut of collecting the candidates. A second
table calibrates confidence: what each minConfidence threshold would leave shown, and how often that is right.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from bench.rerank import FEATURES, Discriminator, features, fit
from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.data.corpus import iter_documents
from inkling.eval.cuts import Example, sample_cuts
from inkling.eval.leakage import collect_eval_files
from inkling.eval.line_completion import first_line
from inkling.eval.metrics import edit_similarity, exact_match
from inkling.serving.decode import Generation
from inkling.serving.runtime import single_thread

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
DEFAULT_CORPUS = REPO / "runs" / "default" / "corpus"
DEFAULT_HELDOUT = REPO / "runs" / "heldout" / "click-8.1.7" / "click"

Case = dict[str, Any]  # target, candidates (first lines), rows (features), real (labels), confidence, seconds


def collect(engine: Engine, examples: list[Example], beam: int, label: str) -> list[Case]:
    config = replace(engine.decode_config(), beam_width=beam, n_best=beam)
    cases = []
    for i, example in enumerate(examples):
        start = time.perf_counter()
        found: dict[str, Generation] = {}  # by first line: block hypotheses may share one; the best is kept
        request = Request(example.prefix, example.editor_suffix)
        for suggestion, generation in engine.survivors(request, config):
            found.setdefault(first_line(suggestion.text), generation)
        seconds = time.perf_counter() - start
        generations = list(found.values())
        best = generations[0].logprob if generations else 0.0
        cases.append(
            {
                "target": example.target,
                "candidates": list(found),
                "rows": [
                    features(example.prefix, line, g.logprob, g.tokens, rank, best)
                    for rank, (line, g) in enumerate(found.items())
                ],
                "real": [exact_match(line, example.target) for line in found],
                "confidence": generations[0].confidence if generations else 0.0,
                "seconds": seconds,
            }
        )
        if (i + 1) % 100 == 0:
            print(f"{label}: {i + 1}/{len(examples)}", file=sys.stderr, flush=True)
    return cases


def outcome(cases: list[Case], discriminator: Discriminator | None) -> dict[str, float]:
    n = max(1, len(cases))
    first = chosen = oracle = 0
    es_first = es_chosen = 0.0
    for case in cases:
        if not case["candidates"]:
            continue
        pick = int(discriminator.score(case["rows"]).argmax()) if discriminator is not None else 0
        first += case["real"][0]
        chosen += case["real"][pick]
        oracle += any(case["real"])
        es_first += edit_similarity(case["candidates"][0], case["target"])
        es_chosen += edit_similarity(case["candidates"][pick], case["target"])
    return {
        "em_model_order": 100 * first / n,
        "em_reranked": 100 * chosen / n,
        "em_oracle": 100 * oracle / n,
        "es_model_order": es_first / n,
        "es_reranked": es_chosen / n,
        "ms_per_cut": 1000 * sum(c["seconds"] for c in cases) / n,
        "candidates_per_cut": sum(len(c["candidates"]) for c in cases) / n,
    }


def calibration(
    cases: list[Case], thresholds: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7, 0.85)
) -> list[dict[str, float]]:
    """What the minConfidence setting would do: for each threshold on the first candidate's confidence (the
    geometric-mean token probability), the share of cut points still shown and the exact match among them."""
    firsts = [(c["confidence"], c["real"][0]) for c in cases if c["candidates"]]
    rows = []
    for t in thresholds:
        shown = [real for confidence, real in firsts if confidence >= t]
        rows.append(
            {
                "min_confidence": t,
                "shown_pct": 100 * len(shown) / max(1, len(cases)),
                "em_of_shown": 100 * sum(shown) / max(1, len(shown)),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="its valid split trains the discriminator"
    )
    parser.add_argument("--heldout", type=Path, nargs="+", default=[DEFAULT_HELDOUT])
    parser.add_argument("--train-cuts", type=int, default=600)
    parser.add_argument("--cuts", type=int, default=300)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    single_thread()
    engine = Engine(args.model)
    engine.load(args.model)
    valid = [(d.path, d.text) for d in iter_documents(args.corpus, "valid")]
    train_cases = collect(engine, sample_cuts(valid, args.train_cuts, args.seed).examples, args.beam, "valid")
    test_cases = collect(
        engine,
        sample_cuts(collect_eval_files(args.heldout), args.cuts, args.seed).examples,
        args.beam,
        "held-out",
    )
    rows = [row for case in train_cases for row in case["rows"]]
    labels = [real for case in train_cases for real in case["real"]]
    discriminator = fit(rows, labels)
    report = {
        "model": str(args.model),
        "beam": args.beam,
        "features": dict(zip(FEATURES, discriminator.weights, strict=True)),
        "valid (training, in-sample)": outcome(train_cases, discriminator),
        "held-out": outcome(test_cases, discriminator),
        "discriminator": asdict(discriminator),
        "calibration (held-out)": calibration(test_cases),
    }
    print(
        f"beam {args.beam}; discriminator trained on {len(train_cases)} valid cuts ({sum(labels)} real of {len(labels)} candidates)"
    )
    print(
        f"{'set':<28} {'EM model':>8} {'EM rerank':>9} {'EM oracle':>9} {'ES model':>8} {'ES rerank':>9} {'ms/cut':>7}"
    )
    for name in ("valid (training, in-sample)", "held-out"):
        r = report[name]
        print(
            f"{name:<28} {r['em_model_order']:>8.2f} {r['em_reranked']:>9.2f} {r['em_oracle']:>9.2f} "
            f"{r['es_model_order']:>8.2f} {r['es_reranked']:>9.2f} {r['ms_per_cut']:>7.1f}"
        )
    print(
        "minConfidence on held-out: "
        + "; ".join(
            f"{r['min_confidence']:g}: {r['shown_pct']:.0f}% shown, EM {r['em_of_shown']:.1f}"
            for r in report["calibration (held-out)"]
        )
    )
    print("standardized weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in report["features"].items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
