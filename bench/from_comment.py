"""Code from a comment: ask the product for functions from a comment (or a comment and a signature), run them against unit tests, and report pass@1 and pass@5.

    .venv/bin/python -m bench.from_comment [--model DIR] [--candidates 5] [--limit N] [--show N] [--json out.json]

For each task in `comment_tasks.TASKS` the engine's `generate_code` returns up to `--candidates` texts to
insert after the prompt's last line, best first. pass@1: the first candidate passes every test; pass@5:
one of the first five does (the plain "any of k" count, not the sampled estimator). Generated code is
untrusted: each candidate runs in its own isolated interpreter (`python -I`) in a fresh temporary folder,
with a wall-clock timeout, CPU, memory, file-size and core limits, a bare environment and no stdin.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.comment_tasks import TASKS, Task
from bench.harness import percentile

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
TIMEOUT_S = 5.0
MEMORY_BYTES = 1 << 30  # address space of a candidate's interpreter
OUTPUT_BYTES = 1 << 20  # largest file a candidate may write, its stdout and stderr included
OUTPUT_KEPT = 600  # characters of a candidate's output kept in its outcome
ENV = {"PATH": "/usr/bin:/bin"}

# Runs in the child: limits first (here rather than in preexec_fn, which is unsafe in a process with threads,
# as this one has once the model is loaded), then the program, then the tests. The verdict goes to its own
# file, opened before the program runs and tagged with a nonce, so a program that prints, fills its output or
# exits early cannot pass for one that passed.
DRIVER = r"""
import ast, os, resource, sys, traceback

nonce, entry, cpu_s, memory, output = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])


def limit(kind, soft, hard):
    _, current = resource.getrlimit(kind)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(kind, (soft, hard))


limit(resource.RLIMIT_CORE, 0, 0)
limit(resource.RLIMIT_CPU, cpu_s, cpu_s + 1)
limit(resource.RLIMIT_AS, memory, memory)
limit(resource.RLIMIT_FSIZE, output, output)
channel = os.open("verdict.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def verdict(text):
    os.write(channel, (nonce + " " + " ".join(text.split())[:300] + "\n").encode("utf-8", "replace"))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(0)


def describe(error):
    return (type(error).__name__ + ": " + str(error)).strip(": ")


with open("candidate.py", encoding="utf-8") as f:
    program = f.read()
with open("tests.py", encoding="utf-8") as f:
    tests = f.read()
try:
    code = compile(program, "candidate.py", "exec")
except (SyntaxError, ValueError) as e:
    verdict("FAIL syntax error: line %s: %s" % (getattr(e, "lineno", "?"), getattr(e, "msg", e)))
namespace = {"__name__": "candidate"}
try:
    exec(code, namespace)
except BaseException as e:
    verdict("FAIL error while defining: " + describe(e))
if entry:
    function, missing = namespace.get(entry), "no function named " + entry
else:
    names = [node.name for node in ast.parse(program).body if isinstance(node, ast.FunctionDef)]
    function, missing = (namespace.get(names[0]) if names else None), "no function defined"
if not callable(function):
    verdict("FAIL " + missing)
test_lines = tests.splitlines()
try:
    exec(compile(tests, "tests.py", "exec"), {"candidate": function})
except BaseException as e:
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == "tests.py"]
    where = test_lines[frames[-1].lineno - 1].strip() if frames and frames[-1].lineno else "?"
    if isinstance(e, AssertionError):
        verdict("FAIL assertion failed: " + where)
    verdict("FAIL " + describe(e) + " in: " + where)
verdict("PASS")
"""


@dataclass(frozen=True)
class Outcome:
    """How one candidate fared: passed or not, why not (empty when passed), seconds it ran, its output."""

    passed: bool
    reason: str
    seconds: float
    output: str = ""


def _tail(path: Path, chars: int) -> str:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 4 * chars))
        return f.read().decode("utf-8", "replace")[-chars:]


def _signal_reason(returncode: int) -> str:
    number = -returncode
    if number == signal.SIGXCPU or number == signal.SIGKILL:
        return "cpu time limit"
    if number == signal.SIGXFSZ:
        return "output too large"
    try:
        return f"killed by {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"


def run_candidate(program: str, tests: str, entry: str | None, timeout_s: float = TIMEOUT_S) -> Outcome:
    """Run `tests` against the function `entry` of `program` (the first top-level function when None) in an
    isolated, resource-limited interpreter; never raises for anything the program does."""
    nonce = secrets.token_hex(8)
    cpu_s = math.ceil(timeout_s) + 1
    with tempfile.TemporaryDirectory(prefix="inkling_candidate_") as folder:
        root = Path(folder)
        (root / "candidate.py").write_text(program, encoding="utf-8")
        (root / "tests.py").write_text(tests, encoding="utf-8")
        stdout, stderr = root / "stdout.txt", root / "stderr.txt"
        command = [sys.executable, "-I", "-c", DRIVER, nonce, entry or "", str(cpu_s)]
        command += [str(MEMORY_BYTES), str(OUTPUT_BYTES)]
        started = time.perf_counter()
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                command,
                cwd=root,
                env=ENV,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: a timeout kills whatever it started too
            )
            try:
                returncode: int | None = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                returncode = None
            finally:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        seconds = time.perf_counter() - started
        verdict_file = root / "verdict.txt"
        verdicts = verdict_file.read_text("utf-8", "replace").splitlines() if verdict_file.is_file() else []
        flooded = max(stdout.stat().st_size, stderr.stat().st_size) >= OUTPUT_BYTES
        printed, errors = _tail(stdout, OUTPUT_KEPT), _tail(stderr, OUTPUT_KEPT)
    verdicts = [line[len(nonce) + 1 :] for line in verdicts if line.startswith(nonce + " ")]
    output = (printed.strip() + "\n" + errors.strip()).strip()[-OUTPUT_KEPT:]
    if returncode is None:
        return Outcome(False, f"timeout after {timeout_s:g} s", seconds, output)
    if verdicts == ["PASS"]:
        return Outcome(True, "", seconds, output)
    if flooded:
        return Outcome(False, "output too large", seconds, output)
    if verdicts:
        return Outcome(False, verdicts[-1].removeprefix("FAIL "), seconds, output)
    if returncode < 0:
        return Outcome(False, _signal_reason(returncode), seconds, output)
    last = errors.strip().splitlines()[-1:] or ["no verdict"]
    return Outcome(
        False, f"exited with status {returncode} before the tests ran: {last[0][:200]}", seconds, output
    )


def pass_at(results: Sequence[Sequence[bool]], k: int) -> float:
    """The fraction of tasks where one of the first k candidates passed (a task with none counts as failed);
    NaN for no tasks."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if not results:
        return float("nan")
    return sum(any(passed[:k]) for passed in results) / len(results)


def prompt_source(task: Task) -> tuple[str, int]:
    """The document the user has typed and the 0-based line holding the comment or the signature."""
    source = task.prompt + "\n"
    return source, len(source.splitlines()) - 1


def program_for(source: str, line: int, candidate: str) -> str:
    """The program to test: the candidate inserted after `line` of `source`."""
    lines = source.splitlines(keepends=True)
    return "".join(lines[: line + 1]) + candidate + "".join(lines[line + 1 :])


# ------------------------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class TaskResult:
    """One task's candidates, their outcomes in order, and how long generating them took."""

    name: str
    kind: str
    prompt: str
    generation_ms: float
    candidates: list[str]
    outcomes: list[Outcome]

    @property
    def passed(self) -> list[bool]:
        return [outcome.passed for outcome in self.outcomes]


def generate(
    model: Path, tasks: Sequence[Task], candidates: int, reuse: bool = True
) -> list[tuple[list[str], float]]:
    """Each task's candidates from the product's engine and the milliseconds generating them took; without
    `reuse`, the model's own generations only (no functions retrieved from the shipped corpus)."""
    from inkling.completion.engine import Engine  # here: the harness above imports without torch

    engine = Engine(model)
    engine.load(model)  # load before timing, so the first task's latency is generation only
    engine.generator.reuse = reuse
    generated: list[tuple[list[str], float]] = []
    try:
        for task in tasks:
            source, line = prompt_source(task)
            started = time.perf_counter()
            texts = engine.generator.generate_code(source, line, candidates=candidates)
            generated.append((list(texts)[:candidates], (time.perf_counter() - started) * 1000))
    finally:
        engine.executor.shutdown(wait=False)
    return generated


def evaluate(
    tasks: Sequence[Task], generated: Sequence[tuple[list[str], float]], timeout_s: float, workers: int
) -> list[TaskResult]:
    """Run every candidate against its task's tests, `workers` interpreters at a time."""
    jobs: list[tuple[str, str, str | None]] = []
    for task, (texts, _) in zip(tasks, generated, strict=True):
        source, line = prompt_source(task)
        jobs += [(program_for(source, line, text), task.tests, task.entry) for text in texts]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = iter(list(pool.map(lambda job: run_candidate(job[0], job[1], job[2], timeout_s), jobs)))
    return [
        TaskResult(task.name, task.kind, task.prompt, ms, texts, [next(outcomes) for _ in texts])
        for task, (texts, ms) in zip(tasks, generated, strict=True)
    ]


def summarize(results: Sequence[TaskResult], k: int) -> dict[str, dict[str, Any]]:
    """pass@1 and pass@k (percent) and generation latency, over all tasks and per prompt kind."""
    groups = {
        "all": list(results),
        "comment": [r for r in results if r.kind == "comment"],
        "signature": [r for r in results if r.kind == "signature"],
    }
    summary: dict[str, dict[str, Any]] = {}
    for label, group in groups.items():
        if not group:
            continue
        passed = [r.passed for r in group]
        latency = [r.generation_ms for r in group]
        summary[label] = {
            "tasks": len(group),
            "pass@1": round(100 * pass_at(passed, 1), 1),
            f"pass@{k}": round(100 * pass_at(passed, k), 1),
            "no_candidates": sum(not r.candidates for r in group),
            "generation_p50_ms": round(percentile(latency, 50), 1),
            "generation_p95_ms": round(percentile(latency, 95), 1),
        }
    return summary


def report(summary: dict[str, dict[str, Any]], k: int) -> str:
    lines = [f"{'prompts':<12} {'tasks':>5} {'pass@1':>7} {f'pass@{k}':>7} {'p50 ms':>8} {'p95 ms':>8}"]
    for label, row in summary.items():
        lines.append(
            f"{label:<12} {row['tasks']:>5} {row['pass@1']:>6.1f}% {row[f'pass@{k}']:>6.1f}% "
            f"{row['generation_p50_ms']:>8.1f} {row['generation_p95_ms']:>8.1f}"
        )
    return "\n".join(lines)


def show(results: Sequence[TaskResult], count: int) -> str:
    """The first `count` tasks: the prompt, the best candidate, and how it fared."""
    blocks = []
    for result in results[:count]:
        if result.candidates:
            outcome = result.outcomes[0]
            verdict = "PASS" if outcome.passed else f"FAIL ({outcome.reason})"
            body = result.candidates[0].rstrip("\n") or "(empty)"
        else:
            verdict, body = "FAIL (no candidates)", "(none)"
        blocks.append(f"--- {result.name} [{result.kind}]: {verdict}\n{result.prompt}\n{body}")
    return "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", type=Path, default=DEFAULT_MODEL, help="model folder (default: the shipped model)"
    )
    parser.add_argument("--candidates", type=int, default=5, help="candidates asked for per task")
    parser.add_argument("--limit", type=int, default=0, help="only the first N tasks (0: all)")
    parser.add_argument("--show", type=int, default=0, help="print N example generations")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds a candidate may run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="candidates run at once")
    parser.add_argument("--json", type=Path, help="write the summary and per-task results here")
    parser.add_argument(
        "--no-retrieval", action="store_true", help="the model's own generations only (no reused functions)"
    )
    args = parser.parse_args(argv)
    if args.candidates < 1:
        parser.error("--candidates must be at least 1")
    tasks = TASKS[: args.limit] if args.limit > 0 else TASKS
    k = args.candidates

    generated = generate(args.model, tasks, k, reuse=not args.no_retrieval)
    results = evaluate(tasks, generated, args.timeout, args.workers)
    summary = summarize(results, k)

    print(f"code from a comment: {len(tasks)} tasks, {k} candidates each, model {args.model}")
    print(report(summary, k))
    if args.show > 0:
        print()
        print(show(results, args.show))
    if args.json:
        data = {
            "model": str(args.model),
            "candidates": k,
            "timeout_s": args.timeout,
            "summary": summary,
            "tasks": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "prompt": r.prompt,
                    "generation_ms": round(r.generation_ms, 1),
                    "passed": r.passed,
                    "candidates": [
                        {"text": text, **asdict(outcome)}
                        for text, outcome in zip(r.candidates, r.outcomes, strict=True)
                    ],
                }
                for r in results
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
