"""Undefined names in what the product suggests, with the names check (post-processing pass `check_names`)
off and on, in one process: code from a comment (bench/comment_tasks.py) and line completion on held-out code.

    .venv/bin/python -m bench.undefined_names [--model DIR] [--limit N] [--candidates 5]
        [--heldout DIR] [--cuts 200] [--seed 0] [--json OUT]

Code from a comment: for each task the engine's `generate_code` (as bench/from_comment.py asks it) with the
pass off, then on; pass@1 / pass@k as from_comment.py runs the candidates; and, for the inserted block (the
first candidate) and for all candidates, how many use a name their program (prompt + candidate) binds
nowhere and is no builtin, or import a module that does not resolve. That count is an `ast` walk of the
whole program, independent of the pass's token scan (imports are resolved by `inkling.context.modules`,
which imports nothing).

Line completion: `--cuts` seeded cut points in the held-out files (EVALUATION.md's protocol, as
bench/quality.py draws them), each answered by `Engine.suggest_text` with the pass off and on; exact match
both ways, how many suggestions the check would drop, and how many of those were exact matches (what the
check costs). `--cuts 0` skips it.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.comment_tasks import TASKS, Task
from bench.from_comment import evaluate, generate, program_for, prompt_source, summarize
from bench.harness import percentile
from inkling.completion import postprocess
from inkling.completion.engine import Engine
from inkling.completion.postprocess.names import check_names
from inkling.context.modules import resolves
from inkling.context.names import NameCheck
from inkling.eval.cuts import sample_cuts
from inkling.eval.leakage import collect_eval_files
from inkling.eval.line_completion import first_line
from inkling.eval.metrics import exact_match
from inkling.serving.runtime import single_thread

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
DEFAULT_HELDOUT = Path("/tmp/heldout/click-8.1.7/click")
BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__"}


@contextmanager
def names_check(on: bool) -> Iterator[None]:
    """Post-processing with the names pass, or without it."""
    saved = postprocess.PASSES
    if not on:
        postprocess.PASSES = tuple(p for p in saved if p is not check_names)
    try:
        yield
    finally:
        postprocess.PASSES = saved


def program_problems(program: str) -> list[str]:
    """The names `program` uses that it binds nowhere (scopes not told apart) and are no builtins, and the
    imports that do not resolve; ["does not parse"] when it does not."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError):
        return ["does not parse"]
    bound: set[str] = set()
    used: list[str] = []
    imports: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                used.append(node.id)
            else:
                bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
                imports.append((alias.name, 0))
        elif isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" for alias in node.names):
                return []
            bound.update(alias.asname or alias.name for alias in node.names)
            imports.append((node.module or "", node.level))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    problems = [f"undefined name {name}" for name in dict.fromkeys(used) if name not in bound | BUILTINS]
    problems += [
        f"unresolved import {'.' * level}{module}"
        for module, level in imports
        if not resolves(module, level, None)
    ]
    return problems


def comment_tasks(model: Path, tasks: Sequence[Task], k: int) -> dict[str, Any]:
    """pass@1, pass@k and the undefined-name counts, the pass off and on."""
    report: dict[str, Any] = {}
    for label, on in (("off", False), ("on", True)):
        with names_check(on):
            generated = generate(model, tasks, k)
        results = evaluate(tasks, generated, 5.0, 2)
        summary = summarize(results, k)["all"]
        first_bad = any_bad = blocks = 0
        examples: list[dict[str, Any]] = []
        for task, (texts, _) in zip(tasks, generated, strict=True):
            source, line = prompt_source(task)
            problems = [program_problems(program_for(source, line, text)) for text in texts]
            blocks += bool(texts)
            first_bad += bool(problems and problems[0])
            any_bad += sum(bool(p) for p in problems)
            if problems and problems[0]:
                examples.append({"task": task.name, "problems": problems[0], "block": texts[0]})
        report[label] = {
            "pass@1": summary["pass@1"],
            f"pass@{k}": summary[f"pass@{k}"],
            "inserted_blocks": blocks,
            "inserted_with_problems": first_bad,
            "candidates": sum(len(texts) for texts, _ in generated),
            "candidates_with_problems": any_bad,
            "examples": examples,
        }
    return report


def line_completion(model: Path, heldout: Path, cuts: int, seed: int) -> dict[str, Any]:
    """Exact match with the pass off and on at the same cut points, and what the check drops."""
    single_thread()
    sample = sample_cuts(collect_eval_files([heldout]), cuts, seed)
    engine = Engine(model)
    engine.load(model)
    check = NameCheck()
    em = {"off": 0, "on": 0}
    flagged = flagged_em = changed = 0
    check_ms: list[float] = []  # the check of one suggestion, as the pass runs it per hypothesis
    dropped: list[dict[str, Any]] = []
    predict: Callable[[str, str], str] = engine.suggest_text
    try:
        for example in sample.examples:
            answers = {}
            for label, on in (("off", False), ("on", True)):
                with names_check(on):
                    answers[label] = first_line(predict(example.prefix, example.editor_suffix))
                em[label] += bool(answers[label].strip()) and exact_match(answers[label], example.target)
            changed += answers["off"] != answers["on"]
            started = time.perf_counter()
            problem = check.problem(example.prefix, example.editor_suffix, answers["off"])
            check_ms.append(1000 * (time.perf_counter() - started))
            if answers["off"].strip() and problem is not None:
                flagged += 1
                hit = exact_match(answers["off"], example.target)
                flagged_em += hit
                dropped.append(
                    {
                        "target": example.target,
                        "off": answers["off"],
                        "on": answers["on"],
                        "why": problem,
                        "em": hit,
                    }
                )
    finally:
        engine.executor.shutdown(wait=False)
    n = len(sample.examples)
    return {
        "cuts": n,
        "em_off": round(100 * em["off"] / max(n, 1), 1),
        "em_on": round(100 * em["on"] / max(n, 1), 1),
        "flagged_off_suggestions": flagged,
        "flagged_that_were_exact": flagged_em,
        "answers_changed": changed,
        "check_ms_p50": round(percentile(check_ms, 50), 2),
        "check_ms_p95": round(percentile(check_ms, 95), 2),
        "check_ms_max": round(max(check_ms, default=0.0), 2),
        "dropped": dropped,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--limit", type=int, default=0, help="only the first N comment tasks (0: all)")
    parser.add_argument(
        "--comment", action=argparse.BooleanOptionalAction, default=True, help="run the tasks"
    )
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--cuts", type=int, default=200, help="line-completion cut points (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    tasks = TASKS[: args.limit] if args.limit > 0 else TASKS
    k = args.candidates
    data: dict[str, Any] = {"model": str(args.model)}
    if args.comment:
        data["comment"] = comment_tasks(args.model, tasks, k)
        print(f"code from a comment: {len(tasks)} tasks, {k} candidates each")
        print(f"{'check':<6} {'pass@1':>7} {f'pass@{k}':>7} {'blocks':>7} {'bad':>4} {'cands':>6} {'bad':>4}")
        for label, row in data["comment"].items():
            print(
                f"{label:<6} {row['pass@1']:>6.1f}% {row[f'pass@{k}']:>6.1f}% {row['inserted_blocks']:>7} "
                f"{row['inserted_with_problems']:>4} {row['candidates']:>6} {row['candidates_with_problems']:>4}"
            )
        for example in data["comment"]["off"]["examples"]:
            print(f"  off, {example['task']}: {', '.join(example['problems'])}")
    if args.cuts > 0:
        lines = data["lines"] = line_completion(args.model, args.heldout, args.cuts, args.seed)
        print(
            f"line completion, {lines['cuts']} cuts in {args.heldout}: EM {lines['em_off']}% off, "
            f"{lines['em_on']}% on; the check flags {lines['flagged_off_suggestions']} of the unchecked "
            f"suggestions ({lines['flagged_that_were_exact']} of them exact matches); "
            f"{lines['answers_changed']} answers changed; one check p50 {lines['check_ms_p50']} ms, "
            f"p95 {lines['check_ms_p95']} ms, max {lines['check_ms_max']} ms (a file's first is a cold scan)"
        )
        for row in lines["dropped"]:
            print(f"  {row['why']}: {row['off']!r} -> {row['on']!r} (target {row['target']!r})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
