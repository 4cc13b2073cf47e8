"""Jump latency through the real server: open held-out files, let the background work settle, then ask for an
inline completion at random places, each far from the last; also the first request right after each
didOpen, and the server's peak memory with all the documents open. Each configuration (the `--set` given,
then the same with wholeFileState off) runs in its own server process, in the same run.
    .venv/bin/python -m bench.jump FILES_OR_FOLDERS... [--docs 20] [--jumps 200] [--settle-s 60]
        [--seed 0] [--set NAME=VALUE ...] [--json OUT]
A place is the end of a random non-blank line (where a user clicks and pauses, and the gate asks for the
rest of the line); consecutive places are at least 50 lines apart or in another document. Documents are the
given files (say, click 8.1.7's, a held-out package), largest first, opened again under other names
when there are fewer files than --docs. "Settled" is when the server used no CPU for a second (or --settle-s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import Session, heldout_files, inline_items, inline_params, position_of, summary_ms
from bench.latency import DEFAULT_MODEL, _settings, inkling_cmd


def _places(text: str) -> list[int]:
    """Offsets of the ends of the non-blank lines (after their last character)."""
    offsets, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            offsets.append(start + len(line.rstrip("\r")))
        start += len(line) + 1
    return offsets


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks of 1/100 s


async def _settle(session: Session, limit_s: float) -> float:
    """Wait until the server has used no CPU for a second (at most `limit_s`); the seconds waited."""
    started = time.perf_counter()
    last = _cpu_seconds(session.pid)
    while time.perf_counter() - started < limit_s:
        await asyncio.sleep(1.0)
        now = _cpu_seconds(session.pid)
        if now - last < 0.02:
            break
        last = now
    return time.perf_counter() - started


async def _ask(session: Session, uri: str, text: str, offset: int) -> tuple[float, bool]:
    request = session.send("textDocument/inlineCompletion", inline_params(uri, position_of(text, offset)))
    answer = await session.wait(request, timeout=120)
    return request.latency_ms, bool(inline_items(answer))


async def run(
    model: Path, docs: list[tuple[str, str]], settings: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    rnd = random.Random(args.seed)
    session = await Session.start("inkling", inkling_cmd(model), settings)
    try:
        first: list[float] = []
        for uri, text in docs:  # each opened and asked at once, at a random place
            session.set_text(uri, text)
            latency, _ = await _ask(session, uri, text, rnd.choice(_places(text)))
            first.append(latency)
        settled = await _settle(session, args.settle_s)
        jumps: list[float] = []
        answered = 0
        last: tuple[str, int] = ("", -1000)
        while len(jumps) < args.jumps:
            uri, text = rnd.choice(docs)
            offset = rnd.choice(_places(text))
            line = text.count("\n", 0, offset)
            if uri == last[0] and abs(line - last[1]) < 50:
                continue
            last = (uri, line)
            latency, shown = await _ask(session, uri, text, offset)
            jumps.append(latency)
            answered += shown
        rss = session.peak_rss_kib()
        return {
            "settings": settings,
            "first_after_open": summary_ms(first),
            "settle_s": settled,
            "jumps": summary_ms(jumps),
            "jumps_with_suggestion": answered,
            "rss_kib": rss,
        }
    finally:
        await session.close()


def _documents(paths: list[Path], count: int) -> list[tuple[str, str]]:
    """`count` (uri, text) pairs: the files, largest first, again under other names when there are fewer."""
    files, _ = heldout_files(DEFAULT_MODEL, paths)
    files.sort(key=lambda pair: -len(pair[1]))
    chosen = [files[i % len(files)] for i in range(count)]
    return [(f"file:///bench/{i}/{Path(path).name}", text) for i, (path, text) in enumerate(chosen)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    p.add_argument("--docs", type=int, default=20)
    p.add_argument("--jumps", type=int, default=200)
    p.add_argument("--settle-s", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    docs = _documents(args.paths, args.docs)
    lines = sum(text.count("\n") for _, text in docs)
    print(f"{len(docs)} documents, {lines:,} lines in all (largest {max(t.count(chr(10)) for _, t in docs):,})")
    base = _settings(args.set)
    results = []
    for whole in (True, False):
        settings = {**base, "wholeFileState": whole}
        result = asyncio.run(run(args.model, docs, settings, args))
        results.append(result)
        f, j = result["first_after_open"], result["jumps"]
        print(
            f"wholeFileState={str(whole).lower():5}  jump p50 {j['p50_ms']:6.1f} ms  p95 {j['p95_ms']:6.1f} ms  "
            f"({result['jumps_with_suggestion']}/{args.jumps} with a suggestion)  first after didOpen "
            f"p50 {f['p50_ms']:6.1f} p95 {f['p95_ms']:6.1f} ms  settled in {result['settle_s']:.0f} s  "
            f"peak RSS {result['rss_kib'].get('VmHWM', 0) / 1024:.0f} MiB"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
