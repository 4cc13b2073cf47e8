"""The discriminator with the workspace's evidence, by the repository-level protocol (EVALUATION.md), in process:
trained on a tuning package's cut points, reranking the engine's candidates on held-out packages.

    .venv/bin/python -m bench.discriminator_repo [--train runs/heldout/lark-1.2.2/lark] [--train-seeds 0 1 2 3]
        [--eval PACKAGE_FOLDERS ...] [--seeds 0 1 2] [--cuts 60] [--beam 3] [--n-best 1] [--json OUT]
        [--cases CASES.json]

Per package and seed, bench/repo.py's `cut_workspace` copies the package to a temporary workspace, draws one cut
per file and writes each cut file truncated on disk; an Engine (default settings, the workspace index on) opens
that copy as its workspace and waits until the index is built. At each cut the request is the truncated
document split at the cursor, so the rest of the cut line is nowhere the engine reads. `Engine.survivors` gives
the candidates that survive post-processing (the beam's and the project's line candidates, as the engine
ranks them; --beam and --n-best set the search, by default the engine's own), and each gets the 12 features of
bench/rerank.py and the 8 project features (PROJECT_FEATURES). A candidate is right when its first line
is the rest of the line.

The table gives, pooled over the evaluation packages' cuts (a cut with no candidate is a miss for all), exact
match and edit similarity of the engine's first candidate (what it shows), of the discriminator's choice
(trained on the --train package only: a logistic regression on all 20 features and on the old 12, and a
conditional logit ranking each cut's candidates on all 20), and of the oracle (a right candidate whenever one is
there); with the standard error of the paired per-cut difference from the engine's. The training package is
also reported leaving one seed out (trained on the others), which is where a reranker may be chosen.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.repo import MODEL, cut_workspace
from bench.rerank import (
    FEATURES,
    PROJECT_FEATURES,
    Discriminator,
    evidence,
    features,
    fit,
    fit_ranking,
    project_features,
)
from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.eval.line_completion import first_line
from inkling.eval.metrics import edit_similarity, exact_match
from inkling.serving.decode import Generation
from inkling.serving.runtime import single_thread
from inkling.settings import Settings

HELDOUT = Path(__file__).resolve().parents[1] / "runs" / "heldout"
TRAIN = [HELDOUT / "lark-1.2.2" / "lark"]
EVAL = [
    HELDOUT / "click-8.1.7" / "click",
    HELDOUT / "jedi-0.19.1" / "jedi",
    HELDOUT / "mako-1.3.5" / "mako",
    HELDOUT / "markdown_it_py-3.0.0" / "markdown_it",
]
OLD = len(FEATURES)
Case = dict[str, Any]  # package, seed, target, candidates (first lines), rows, real, es


def _label(folder: Path) -> str:
    parent = folder.resolve().parent.name
    return parent if "-" in parent else folder.name


def collect_package(folder: Path, seed: int, cuts: int, beam: int | None, n_best: int | None) -> list[Case]:
    """The cases of one package and seed: its cut workspace indexed by an in-process engine."""
    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="inkling-disc-") as temp:
        root = Path(temp) / _label(folder)
        cuts_made = cut_workspace(folder, root, seed, cuts)
        engine = Engine(MODEL, Settings())
        engine.load(MODEL)
        engine.open_workspace([root])
        project = engine.project
        assert project is not None
        waited = time.perf_counter()
        while not project.stats()["built"] and time.perf_counter() - waited < 300:
            time.sleep(0.2)
        retriever = project.retriever
        vocabulary = frozenset(retriever.words) if retriever is not None else frozenset()
        settings = engine.settings
        base = engine.decode_config()
        config = replace(base, beam_width=beam or base.beam_width, n_best=n_best or base.n_best)
        encode = engine.runtime.vocab.encode
        try:
            for case in cuts_made:
                started = time.perf_counter()
                path = Path(case["path"]).resolve()
                doc, cursor = case["doc"], case["cursor"]
                request = Request(doc[:cursor], doc[cursor:], path.as_uri())
                found: dict[str, Generation] = {}  # by first line, the best kept
                for suggestion, generation in engine.survivors(request, config):
                    found.setdefault(first_line(suggestion.text), generation)
                typed = request.prefix[request.prefix.rfind("\n") + 1 :].lstrip()
                offered = retriever.lines_starting(typed, settings.line_candidates) if retriever else []
                related = project.related(request.prefix, path, settings.retrieved_windows, encode)
                file_ids = encode(request.prefix[-base.context_chars :])
                lines = retriever.lines if retriever is not None else None
                known = evidence(request.prefix, lines, vocabulary, offered, file_ids, related, encode)
                generations = list(found.values())
                best = generations[0].logprob if generations else 0.0
                rows = [
                    features(request.prefix, line, g.logprob, g.tokens, rank, best)
                    + project_features(known, line)
                    for rank, (line, g) in enumerate(found.items())
                ]
                target = case["target"]
                cases.append(
                    {
                        "package": _label(folder),
                        "seed": seed,
                        "target": target,
                        "candidates": list(found),
                        "rows": rows,
                        "real": [exact_match(line, target) for line in found],
                        "es": [edit_similarity(line, target) for line in found],
                        "seconds": time.perf_counter() - started,
                    }
                )
        finally:
            engine.close()
    return cases


def picks(cases: list[Case], discriminator: Discriminator | None, width: int | None = None) -> list[int]:
    """Each case's chosen candidate (-1: none), by the discriminator on the first `width` features."""
    chosen = []
    for case in cases:
        if not case["candidates"]:
            chosen.append(-1)
        elif discriminator is None:
            chosen.append(0)
        else:
            rows = [row[:width] for row in case["rows"]] if width else case["rows"]
            chosen.append(int(discriminator.score(rows).argmax()))
    return chosen


def _se(diffs: list[float]) -> float:
    n = len(diffs)
    if n < 2:
        return 0.0
    mean = sum(diffs) / n
    return math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1) / n)


def measure(cases: list[Case], chosen: list[int]) -> dict[str, float]:
    """EM and ES of the chosen candidates, and the standard errors of their per-cut differences from the
    engine's first candidate."""
    em = [float(c["real"][p]) if p >= 0 else 0.0 for c, p in zip(cases, chosen, strict=True)]
    es = [c["es"][p] if p >= 0 else 0.0 for c, p in zip(cases, chosen, strict=True)]
    em0 = [float(c["real"][0]) if c["candidates"] else 0.0 for c in cases]
    es0 = [c["es"][0] if c["candidates"] else 0.0 for c in cases]
    n = max(1, len(cases))
    return {
        "n": len(cases),
        "EM": 100 * sum(em) / n,
        "ES": sum(es) / n,
        "dEM": 100 * (sum(em) - sum(em0)) / n,
        "seEM": 100 * _se([a - b for a, b in zip(em, em0, strict=True)]),
        "dES": (sum(es) - sum(es0)) / n,
        "seES": _se([a - b for a, b in zip(es, es0, strict=True)]),
    }


def oracle(cases: list[Case]) -> list[int]:
    """A right candidate whenever one is there, else the one of highest edit similarity."""
    chosen = []
    for case in cases:
        if not case["candidates"]:
            chosen.append(-1)
        elif any(case["real"]):
            chosen.append(case["real"].index(True))
        else:
            chosen.append(max(range(len(case["es"])), key=case["es"].__getitem__))
    return chosen


Trainer = Callable[[list[Case]], Discriminator]


def _pointwise(width: int | None) -> Trainer:
    def train(cases: list[Case]) -> Discriminator:
        rows = [row[:width] for case in cases for row in case["rows"]]
        return fit(rows, [real for case in cases for real in case["real"]])

    return train


def _ranking(cases: list[Case]) -> Discriminator:
    return fit_ranking([(case["rows"], case["real"]) for case in cases])


RERANKERS: dict[str, tuple[Trainer, int | None]] = {
    "logistic (20)": (_pointwise(None), None),
    "logistic (old 12)": (_pointwise(OLD), OLD),
    "ranking (20)": (_ranking, None),
}


def choose(train: list[Case], test: list[Case]) -> dict[str, list[int]]:
    """Each reranker's choices on `test`, trained on `train`; with the engine's first and the oracle."""
    chosen = {"engine first": picks(test, None)}
    for name, (trainer, width) in RERANKERS.items():
        chosen[name] = picks(test, trainer(train), width)
    chosen["oracle"] = oracle(test)
    return chosen


def held_out_seeds(cases: list[Case]) -> tuple[list[Case], dict[str, list[int]]]:
    """Leave one seed out on the training package: each seed's cuts chosen by rerankers trained on the others
    (the cuts in seed order, and the choices)."""
    ordered: list[Case] = []
    chosen: dict[str, list[int]] = {}
    for seed in dict.fromkeys(c["seed"] for c in cases):
        test = [c for c in cases if c["seed"] == seed]
        for name, picked in choose([c for c in cases if c["seed"] != seed], test).items():
            chosen.setdefault(name, []).extend(picked)
        ordered += test
    return ordered, chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, nargs="+", default=TRAIN)
    parser.add_argument("--train-seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--eval", type=Path, nargs="+", default=EVAL)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cuts", type=int, default=60, help="cut files per package and seed, at most")
    parser.add_argument("--beam", type=int, help="beam width (default: the engine's)")
    parser.add_argument(
        "--n-best", type=int, help="finished hypotheses before the search stops (the engine's)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cases", type=Path, help="save the collected cases here, or read them if it exists")
    args = parser.parse_args(argv)

    single_thread()
    started = time.perf_counter()
    sets: dict[str, list[Case]] = {"train": [], "eval": []}
    if args.cases and args.cases.exists():
        sets = json.loads(args.cases.read_text(encoding="utf-8"))
    for name, folders, seeds in (("train", args.train, args.train_seeds), ("eval", args.eval, args.seeds)):
        for folder in folders if not sets[name] else []:
            for seed in seeds:
                got = collect_package(folder, seed, args.cuts, args.beam, args.n_best)
                sets[name] += got
                ms = 1000 * sum(c["seconds"] for c in got) / max(1, len(got))
                print(
                    f"{_label(folder)} seed {seed}: {len(got)} cuts, {ms:.0f} ms/cut "
                    f"({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    if args.cases and not args.cases.exists():
        args.cases.write_text(json.dumps(sets) + "\n", encoding="utf-8")
    labels = [r for c in sets["train"] for r in c["real"]]
    print(
        f"trained on {len(sets['train'])} cuts of {', '.join(_label(f) for f in args.train)} "
        f"({sum(labels)} right of {len(labels)} candidates)"
    )
    report: dict[str, Any] = {}
    print(
        f"{'set':<18} {'chooser':<18} {'n':>4} {'EM':>6} {'ES':>6} {'dEM':>6} {'±se':>5} {'dES':>6} {'±se':>5}"
    )
    ordered, crossed = held_out_seeds(sets["train"])
    runs = {
        "train (in-sample)": (sets["train"], choose(sets["train"], sets["train"])),
        "train (seed out)": (ordered, crossed),
        "eval": (sets["eval"], choose(sets["train"], sets["eval"])),
    }
    for name, (cases, choosers) in runs.items():
        packages = list(dict.fromkeys(c["package"] for c in cases)) if name == "eval" else []
        for group in ["pooled", *packages]:
            inside = [i for i, c in enumerate(cases) if group in ("pooled", c["package"])]
            for chooser, chosen in choosers.items():
                r = measure([cases[i] for i in inside], [chosen[i] for i in inside])
                report.setdefault(name, {}).setdefault(group, {})[chooser] = r
                label = name if group == "pooled" else f"  {group.split('-')[0]}"
                print(
                    f"{label:<18} {chooser:<18} {r['n']:>4} {r['EM']:>6.1f} {r['ES']:>6.1f} "
                    f"{r['dEM']:>+6.1f} {r['seEM']:>5.1f} {r['dES']:>+6.1f} {r['seES']:>5.1f}"
                )
    per_cut = sum(len(c["candidates"]) for c in sets["eval"]) / max(1, len(sets["eval"]))
    print(f"candidates per evaluation cut: {per_cut:.2f}; {time.perf_counter() - started:.0f} s in all")
    names = FEATURES + PROJECT_FEATURES
    for name, (trainer, width) in RERANKERS.items():
        if width is None:
            weights = trainer(sets["train"]).weights
            report.setdefault("weights", {})[name] = dict(zip(names, weights, strict=True))
            print(
                f"{name}, standardized weights: "
                + ", ".join(f"{k} {w:+.2f}" for k, w in zip(names, weights, strict=True))
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
