"""Replay typing over held-out files through the real inkling language server and print its latency, memory, per-token cost and accuracy beside jedi-language-server."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcMethodNotFound, JsonRpcRequestCancelled

from bench.harness import (
    Request,
    ServerDied,
    Session,
    completion_hit,
    cpu_busy_seconds,
    document_for,
    heldout_files,
    inline_items,
    inline_params,
    inline_prediction,
    item_text,
    no_nan,
    own_cpu_seconds,
    percentile,
    position_of,
    summary_ms,
    top_item,
)
from inkling.errors import InklingError
from inkling.eval.cuts import Example, sample_cuts
from inkling.eval.line_completion import format_table, score
from inkling.eval.metrics import first_token
from inkling.lsp.convert import utf16_len
from inkling.serving.checkpoint import load_checkpoint

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
MAX_TYPED = 120  # longer lines are not typed: one line would eat a large share of the keystrokes
COLD_SOURCE = "import os\n\n\ndef size(path):\n    return os.path.\n"
COLD_POSITION = types.Position(4, 19)
INLINE = types.TEXT_DOCUMENT_INLINE_COMPLETION


@dataclass(frozen=True)
class TypedLine:
    """A line to type: the file, its 0-based number, the indentation left in place, and what gets typed."""

    path: str
    text: str
    line: int
    indent: str
    typed: str


def inkling_cmd(model: Path) -> list[str]:
    return [sys.executable, "-m", "inkling", "serve", "--model", str(model)]


# ---------------------------------------------------------------------------------------------- phases


def _settings(pairs: list[str]) -> dict[str, Any]:
    """NAME=VALUE pairs as initializationOptions (a value is read as JSON when it can be)."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            settings[name] = json.loads(value)
        except ValueError:
            settings[name] = value
    return settings


async def _index_built(session: Session, timeout: float = 300) -> dict[str, Any]:
    """The server's workspace index once built (modelInfo's `workspace`), or as it is after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        params = types.ExecuteCommandParams("inkling.modelInfo", [])
        workspace: dict[str, Any] = (await session.request(types.WORKSPACE_EXECUTE_COMMAND, params)).get(
            "workspace"
        ) or {}
        if workspace.get("built") or time.monotonic() > deadline:
            return workspace
        await asyncio.sleep(0.5)


async def cold_start(model: Path) -> float | None:
    """Seconds from spawning the server to its first non-empty inline completion; None if none in 10 s."""
    started = time.perf_counter()
    session = await Session.start("inkling", inkling_cmd(model))
    try:
        uri = "file:///tmp/inkling_bench_cold.py"
        session.set_text(uri, COLD_SOURCE)
        deadline = time.perf_counter() + 10.0
        while True:
            answer = await session.request(INLINE, inline_params(uri, COLD_POSITION), timeout=60)
            if any(item_text(item).strip() for item in inline_items(answer)):
                return time.perf_counter() - started
            if time.perf_counter() > deadline:
                return None
            await asyncio.sleep(0.05)
    finally:
        await session.close()


def choose_lines(files: list[tuple[str, str]], keystrokes: int, seed: int) -> list[TypedLine]:
    """Seeded lines (not blank, not comment-only, at most MAX_TYPED characters) until `keystrokes` are typed."""
    pool: list[TypedLine] = []
    for path, text in files:
        for number, line in enumerate(text.split("\n")):
            body = line.strip()
            if body and not body.startswith("#") and len(body) <= MAX_TYPED:
                pool.append(TypedLine(path, text, number, line[: len(line) - len(line.lstrip())], body))
    random.Random(seed).shuffle(pool)
    chosen: list[TypedLine] = []
    total = 0
    for typed_line in pool:
        if total >= keystrokes:
            break
        chosen.append(replace(typed_line, typed=typed_line.typed[: keystrokes - total]))
        total += len(chosen[-1].typed)
    return chosen


async def type_lines(session: Session, lines: list[TypedLine], interval: float) -> dict[str, Any]:
    """didChange + inlineCompletion per keystroke at a fixed interval, cancelling a still-pending request."""
    requests: list[Request] = []
    pauses: list[float] = []  # the last keystroke of each line: the user stops typing and waits
    started = time.perf_counter()
    for typed_line in lines:
        uri = Path(typed_line.path).resolve().as_uri()
        rows = typed_line.text.split("\n")
        rows[typed_line.line] = typed_line.indent
        session.set_text(uri, "\n".join(rows))
        character = utf16_len(typed_line.indent)
        pending: Request | None = None
        t0 = session.loop.time()
        for k, char in enumerate(typed_line.typed):
            await asyncio.sleep(max(0.0, t0 + k * interval - session.loop.time()))
            await session.check_alive()
            if pending is not None and not pending.future.done():
                session.cancel(pending)
            session.insert(uri, types.Position(typed_line.line, character), char)
            character += utf16_len(char)
            pending = session.send(INLINE, inline_params(uri, types.Position(typed_line.line, character)))
            requests.append(pending)
        if pending is not None:
            with contextlib.suppress(JsonRpcException):
                await session.wait(pending, timeout=60)
            if pending.future.exception() is None:
                pauses.append(pending.latency_ms)
        session.close_document(uri)
    unsettled = [asyncio.wrap_future(r.future) for r in requests if not r.future.done()]
    if unsettled:  # cancelled requests still owe an answer (an error or a late result)
        await asyncio.wait(unsettled, timeout=30)
    await session.check_alive()
    seconds = time.perf_counter() - started

    latencies: list[float] = []
    nonempty = errors = lost = cancelled = acknowledged = 0
    for r in requests:
        if r.cancelled:
            cancelled += 1
            acknowledged += r.future.done() and isinstance(r.future.exception(), JsonRpcRequestCancelled)
        elif not r.future.done():
            lost += 1
        elif r.future.exception() is not None:
            errors += 1
        else:
            latencies.append(r.latency_ms)
            nonempty += any(item_text(i).strip() for i in inline_items(r.future.result()))
    return {
        "keystrokes": len(requests),
        "lines": len(lines),
        "files": len({line.path for line in lines}),
        "interval_ms": 1000 * interval,
        "answered": len(latencies),
        "cancelled": cancelled,
        "cancel_acknowledged": acknowledged,
        "errors": errors,
        "unanswered": lost,
        "nonempty": nonempty,
        "nonempty_share": nonempty / len(latencies) if latencies else 0.0,
        **summary_ms(latencies),
        "pause_p50_ms": percentile(pauses, 50),
        "pause_p95_ms": percentile(pauses, 95),
        "seconds": seconds,
    }


async def line_completion(
    session: Session, examples: list[Example], texts: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """inlineCompletion at every cut point, scored like `inkling eval`; returns the numbers and the table."""
    predictions: list[str] = []
    latencies: list[float] = []
    errors = 0
    for example in examples:
        doc, cursor = document_for(example, texts[example.cut.path])
        uri = Path(example.cut.path).as_uri()
        session.set_text(uri, doc)
        request = session.send(INLINE, inline_params(uri, position_of(doc, cursor)))
        try:
            answer = await session.wait(request, timeout=60)
        except JsonRpcException:
            errors += 1
            answer = None
        latencies.append(request.latency_ms)
        predictions.append(inline_prediction(answer, doc, cursor))
    for uri in list(session.versions):
        session.close_document(uri)
    answers = iter(predictions)
    scores, _ = score("inkling (server)", lambda _prefix, _suffix: next(answers), examples)
    scores = replace(scores, seconds=sum(latencies) / 1000)
    data = {
        **asdict(scores),
        "suggestion_rate": scores.suggested / scores.n if scores.n else 0.0,
        "errors": errors,
    }
    return {**data, **summary_ms(latencies)}, format_table([scores])


async def completion_lists(
    sessions: dict[str, Session], examples: list[Example], texts: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """textDocument/completion at every cut point on each server in turn: latency and first-token accuracy."""
    stats = {
        name: {"supported": True, "latencies": [], "with_items": 0, "hits": 0, "name_hits": 0, "errors": 0}
        for name in sessions
    }
    names = 0  # cuts whose target starts with a name or keyword: the only ones a list of words can get right
    for i, example in enumerate([examples[0], *examples]):  # the first request only warms the server up
        expected = first_token(example.target) or ""
        is_name = expected.isidentifier()
        names += is_name and i > 0
        doc, cursor = document_for(example, texts[example.cut.path])
        position = position_of(doc, cursor)
        line_prefix = doc[doc.rfind("\n", 0, cursor) + 1 : cursor]
        uri = Path(example.cut.path).as_uri()
        for name, session in sessions.items():
            entry = stats[name]
            if not entry["supported"]:
                continue
            session.set_text(uri, doc)
            context = types.CompletionContext(types.CompletionTriggerKind.Invoked)
            request = session.send(
                types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionParams(types.TextDocumentIdentifier(uri), position, context=context),
            )
            try:
                answer = await session.wait(request, timeout=60)
            except JsonRpcMethodNotFound:
                entry["supported"] = False
                continue
            except JsonRpcException:
                entry["errors"] += i > 0
                continue
            if i == 0:
                continue
            entry["latencies"].append(request.latency_ms)
            item = top_item(answer)
            if item is not None:
                entry["with_items"] += 1
                hit = completion_hit(item, line_prefix, example.target)
                entry["hits"] += hit
                entry["name_hits"] += hit and is_name
    out: dict[str, dict[str, Any]] = {}
    for name, entry in stats.items():
        latencies: list[float] = entry["latencies"]
        out[name] = {
            "supported": entry["supported"],
            "requests": len(examples) if entry["supported"] else 0,
            "answered": len(latencies),
            "with_items": entry["with_items"],
            "errors": entry["errors"],
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "first_token_accuracy": 100.0 * entry["hits"] / len(examples) if entry["supported"] else None,
            "name_cuts": names,
            "first_token_accuracy_names": 100.0 * entry["name_hits"] / names
            if entry["supported"] and names
            else None,
        }
    return out


def decode_cost(model: Path, steps: int, size: int, reps: int, sample: str) -> dict[str, Any]:
    """Median time of one batch-1 decode step of the server's (numpy) model in this process, beside
    2 x parameters FLOPs at matmul speed.

    The step is timed on the BLAS library's default thread count and on one thread, the server's.
    """
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    from inkling.serving.inference import InferenceModel

    checkpoint = load_checkpoint(model)
    net = InferenceModel(checkpoint)
    ids = checkpoint.tokenizer.encode(sample).ids or [0]

    def median_step() -> float:
        times: list[float] = []
        state = net.init_state(1)
        for i in range(20 + steps):  # 20 warm-up steps
            token = np.array([ids[i % len(ids)]])
            start = time.perf_counter()
            _, state = net.step(token, state)
            times.append(time.perf_counter() - start)
        return statistics.median(times[20:])

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((size, size), np.float32), rng.standard_normal((size, size), np.float32)
    matmul: list[float] = []

    def time_matmul() -> None:
        a @ b  # warm-up
        for _ in range(reps):
            start = time.perf_counter()
            a @ b
            matmul.append(time.perf_counter() - start)

    default = max((pool["num_threads"] for pool in threadpool_info()), default=1)
    by_threads: dict[int, float] = {}
    time_matmul()
    by_threads[default] = median_step()
    time_matmul()  # before and after: a burst of other work during one of them does not set the floor
    with threadpool_limits(1):
        by_threads[1] = median_step()
    flops_per_s = 2 * size**3 / min(matmul)  # the best repetition, on all threads: what the machine can do
    parameters = net.parameters
    floor = 2 * parameters / flops_per_s
    return {
        "threads": 1,
        "default_threads": default,
        "parameters": parameters,
        "steps": steps,
        "ms_per_token": 1000 * by_threads[1],
        "ms_per_token_by_threads": {str(n): 1000 * t for n, t in sorted(by_threads.items())},
        "matmul_size": size,
        "matmul_gflops": flops_per_s / 1e9,
        "floor_ms_per_token": 1000 * floor,
        "ratio": by_threads[1] / floor,
    }


# ---------------------------------------------------------------------------------------------- driver


def _fmt(value: float | None, unit: str = " ms") -> str:
    return "n/a" if value is None or value != value else f"{value:.1f}{unit}"


@contextlib.contextmanager
def phase(results: dict[str, Any], name: str, header: str) -> Iterator[None]:
    """Print the phase's header; record its wall time under results["phase_seconds"]."""
    print(f"== {header} ==", flush=True)
    started, busy, own = time.perf_counter(), cpu_busy_seconds(), own_cpu_seconds()
    yield
    seconds = time.perf_counter() - started
    results.setdefault("phase_seconds", {})[name] = round(seconds, 2)
    if seconds < 1.0:  # /proc/stat counts in clock ticks: too coarse for a share of a short phase
        print(f"({seconds:.1f} s)\n", flush=True)
        return
    others = max(0.0, cpu_busy_seconds() - busy - (own_cpu_seconds() - own)) / seconds
    results.setdefault("other_processes_cores", {})[name] = round(others, 2)
    print(f"({seconds:.0f} s; other processes busy on {others:.2f} cores meanwhile)\n", flush=True)


def print_side_by_side(side: dict[str, dict[str, Any]], no_jedi: bool) -> None:
    if "jedi" not in side:
        print("jedi     skipped" + ("" if no_jedi else " (jedi-language-server not found)"))
    for name, entry in side.items():
        if not entry["supported"]:
            print(f"{name:8} n/a (textDocument/completion not supported)")
            continue
        print(
            f"{name:8} p50 {_fmt(entry['p50_ms'])}  p95 {_fmt(entry['p95_ms'])}  "
            f"first-token {_fmt(entry['first_token_accuracy'], '%')} (on the {entry['name_cuts']} cuts at a "
            f"name or keyword: {_fmt(entry['first_token_accuracy_names'], '%')})  "
            f"lists {entry['with_items']}/{entry['requests']}, errors {entry['errors']}"
        )


async def run(args: argparse.Namespace, results: dict[str, Any]) -> None:
    model = Path(args.model).resolve()
    files, note = heldout_files(model, [Path(p) for p in args.files] if args.files else None)
    if args.tiny:
        files = sorted(random.Random(args.seed).sample(files, min(3, len(files))))
    if not files:
        raise SystemExit("no evaluation files")
    texts = dict(files)
    load = os.getloadavg()[0]
    results["config"] = {
        "model": str(model),
        "files": len(files),
        "bytes": sum(len(t.encode()) for _, t in files),
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average_at_start": load,
    }
    print(
        f"model {model}\nheld-out files: {len(files)} ({note}); seed {args.seed}\n"
        f"{os.cpu_count()} CPUs, load average {load:.2f} at start\n"
    )

    with phase(results, "cold_start", "cold start: spawn -> first non-empty inlineCompletion"):
        colds = [await cold_start(model) for _ in range(args.cold_starts)]
        good = [c for c in colds if c is not None]
        median = statistics.median(good) if good else None
        results["cold_start"] = {"seconds": colds, "median_s": median}
        print(f"runs: {', '.join(_fmt(c, ' s') for c in colds)}; median {_fmt(median, ' s')}")

    root = Path(args.workspace) if args.workspace else None
    session = await Session.start("inkling", inkling_cmd(model), _settings(args.set), root=root)
    try:
        if root is not None:
            results["workspace"] = await _index_built(session)
            print(f"workspace {root}: {results['workspace']}")
        lines = choose_lines(files, args.keystrokes, args.seed)
        header = (
            f"typing: {args.keystrokes} keystrokes over {len(lines)} lines, one every {args.interval_ms:g} ms"
        )
        with phase(results, "typing", header):
            typing = results["typing"] = await type_lines(session, lines, args.interval_ms / 1000)
            print(
                f"answered {typing['answered']}, cancelled {typing['cancelled']} "
                f"({typing['cancel_acknowledged']} acknowledged as cancelled), errors {typing['errors']}, "
                f"unanswered {typing['unanswered']}\n"
                f"latency of answered: p50 {_fmt(typing['p50_ms'])}  p95 {_fmt(typing['p95_ms'])}  "
                f"p99 {_fmt(typing['p99_ms'])}  max {_fmt(typing['max_ms'])}\n"
                f"after the last keystroke of a line (the typist pauses): p50 {_fmt(typing['pause_p50_ms'])}  "
                f"p95 {_fmt(typing['pause_p95_ms'])}\n"
                f"non-empty suggestions: {100 * typing['nonempty_share']:.1f}% of answered"
            )

        with phase(results, "memory", "server memory after typing"):
            memory = session.peak_rss_kib()
            results["memory"] = {
                "server_pid": session.pid,
                "vm_hwm_kib": memory.get("VmHWM"),
                "vm_rss_kib": memory.get("VmRSS"),
            }
            hwm, rss = memory.get("VmHWM", 0) / 1024, memory.get("VmRSS", 0) / 1024
            print(f"peak resident (VmHWM) {hwm:.1f} MiB; now (VmRSS) {rss:.1f} MiB")

        sample = sample_cuts(files, args.cuts, args.seed)
        examples = sample.examples
        header = f"line completion through the server: {len(examples)} cuts of {sample.candidates:,}"
        with phase(results, "line_completion", header):
            line, table = await line_completion(session, examples, texts)
            results["line_completion"] = line
            print(table)
            print(
                f"suggestion rate {100 * line['suggestion_rate']:.1f}%; "
                f"latency p50 {_fmt(line['p50_ms'])}  p95 {_fmt(line['p95_ms'])}"
            )

        with phase(results, "completion", f"completion lists side by side: {len(examples)} cuts"):
            sessions = {"inkling": session}
            here = str(Path(sys.executable).parent)
            jedi = shutil.which("jedi-language-server", path=here) or shutil.which("jedi-language-server")
            if not args.no_jedi and jedi:
                sessions["jedi"] = await Session.start("jedi", [jedi], {"diagnostics": {"enable": False}})
            try:
                side = results["completion"] = await completion_lists(sessions, examples, texts)
                if "jedi" in sessions:
                    side["jedi"]["vm_hwm_kib"] = sessions["jedi"].peak_rss_kib().get("VmHWM")
            finally:
                if "jedi" in sessions:
                    await sessions["jedi"].close()
            print_side_by_side(side, args.no_jedi)
    finally:
        await session.close()

    with phase(results, "decode", "per-token decode cost vs the floor (in process, batch 1)"):
        steps, size, reps = (100, 1024, 3) if args.tiny else (500, 2048, 5)
        decode = results["decode"] = decode_cost(model, steps, size, reps, files[0][1][:20_000])
        print(
            f"{decode['parameters']:,} parameters; the server runs the model on {decode['threads']} thread(s), "
            f"the BLAS default here is {decode['default_threads']}\n"
            + "".join(
                f"decode step on {n} thread(s): {ms:.3f} ms/token (median of {steps})\n"
                for n, ms in decode["ms_per_token_by_threads"].items()
            )
            + f"matmul {size}x{size}: {decode['matmul_gflops']:.1f} GFLOP/s -> floor "
            f"{decode['floor_ms_per_token']:.4f} ms/token; the server's step is {decode['ratio']:.1f}x the floor"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", default=str(DEFAULT_MODEL), help="model folder (default: the shipped model)")
    p.add_argument("--files", nargs="+", help="evaluation files or folders (default: the stdlib test split)")
    p.add_argument("--keystrokes", type=int, default=1500)
    p.add_argument("--cuts", type=int, default=300)
    p.add_argument("--interval-ms", type=float, default=100.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cold-starts", type=int, default=3)
    p.add_argument("--no-jedi", action="store_true", help="skip jedi-language-server")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a server setting (typing)")
    p.add_argument(
        "--workspace",
        help="a folder the typing session opens as its workspace (indexed before typing starts); pick another "
        "project than --files, or the index holds the lines being typed",
    )
    p.add_argument("--json", help="write every number to this JSON file")
    p.add_argument("--tiny", action="store_true", help="a few files, 40 keystrokes, 10 cuts, 1 cold start")
    args = p.parse_args(argv)
    if args.tiny:
        args.keystrokes, args.cuts, args.cold_starts = 40, 10, 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {}
    started = time.perf_counter()
    busy, own = cpu_busy_seconds(), own_cpu_seconds()
    status = 1
    try:
        load_checkpoint(Path(args.model))  # a model the server could not load would only answer nothing
        asyncio.run(run(args, results))
        status = 0
    except ServerDied as err:
        sys.stdout.flush()
        print(f"\nFAILED: {err}\n--- {err.name} stderr (tail) ---\n{err.stderr_tail}", file=sys.stderr)
        results["error"] = str(err)
    except InklingError as err:
        sys.stdout.flush()
        print(f"\nFAILED: {err}", file=sys.stderr)
        results["error"] = str(err)
    finally:
        wall = results["wall_seconds"] = time.perf_counter() - started
        others = max(0.0, cpu_busy_seconds() - busy - (own_cpu_seconds() - own)) / wall
        results["other_processes_cores"] = {
            **results.get("other_processes_cores", {}),
            "total": round(others, 2),
        }
        print(
            f"wall time {wall:.0f} s; other processes busy on {others:.2f} cores on average "
            "(above ~0.1 they slow the numbers above: compare runs on an idle machine)"
        )
        if args.json:
            text = json.dumps(no_nan(results), indent=2, allow_nan=False, default=str)
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
