"""Line completion right after a member-access dot (`expr.|`), with and without the static-analysis
constraint (setting constrainMembers), on held-out files: exact match, first-token accuracy, the
completion list's top-1 and top-5 (the member's name among the list's items), time.

    .venv/bin/python bench/members.py FILES_OR_FOLDERS... [--cuts 300] [--seed 0] [--budget-ms 15]

Cut points are seeded among NAME tokens that follow a `.` after a name, `)` or `]` (attribute access), each a
fresh document: the prefix is the file up to the cut and the suffix the file from the next line on, so the
target line is nowhere the engine (or jedi) can read. The first token is the identifier after the dot."""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import sys
import time
import tokenize
from dataclasses import replace
from pathlib import Path

from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.settings import Settings

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"
_NAME = re.compile(r"\w*")
_TAIL = re.compile(r"\w*\Z")


def member_cuts(text: str) -> list[int]:
    """Character offsets of identifiers that follow an attribute-access dot."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    cuts = []
    for before, dot, name in zip(tokens, tokens[1:], tokens[2:], strict=False):
        attribute = before.type == tokenize.NAME or before.string in (")", "]")
        if attribute and dot.string == "." and name.type == tokenize.NAME and dot.end == name.start:
            cuts.append(starts[name.start[0] - 1] + name.start[1])
    return cuts


def examples(paths: list[Path], cuts: int, seed: int, typed: int = 0) -> list[tuple[str, str, str]]:
    """(prefix, suffix, target) at seeded member-access cut points, `typed` characters into the member."""
    files = sorted(p for root in paths for p in ([root] if root.is_file() else root.rglob("*.py")))
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [(path, text, offset) for offset in member_cuts(text)]
    random.Random(seed).shuffle(found)
    chosen = []
    for _path, text, start in found[:cuts]:
        offset = start + min(typed, len(_NAME.match(text, start).group()))  # type: ignore[union-attr]
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        chosen.append((text[:offset], text[end:], text[offset:end].rstrip("\r")))
    return chosen


def evaluate(
    engine: Engine, cases: list[tuple[str, str, str]], warm_s: float, lead_s: float
) -> dict[str, float]:
    em = first = suggested = top1 = top5 = 0
    times = []
    for n, (prefix, suffix, target) in enumerate(cases):
        uri = f"file:///bench/members/{n}.py"
        if warm_s:  # the editor opened the file a moment ago: the analysis read it in the background
            engine.warm(uri, prefix + suffix)
            time.sleep(warm_s)
        if lead_s:  # a keystroke earlier, right after the dot, asked already; then the user typed on
            dot = len(prefix) - len(_TAIL.search(prefix).group())  # type: ignore[union-attr]
            engine.suggest(Request(prefix[:dot], suffix, uri))
            time.sleep(lead_s)
        started = time.perf_counter()
        suggestion = engine.suggest(Request(prefix, suffix, uri))
        times.append(1000 * (time.perf_counter() - started))
        text = "" if suggestion is None else suggestion.text.split("\n", 1)[0]
        suggested += bool(text)
        em += text.strip() == target.strip()
        want = _TAIL.search(prefix).group() + _NAME.match(target).group()  # type: ignore[union-attr]
        ranked = [i.text for i in engine.rank(Request(prefix, suffix, uri)) if i.kind != "line"]
        top1 += ranked[:1] == [want]
        top5 += want in ranked[:5]
        first += bool(text) and _NAME.match(text).group() == _NAME.match(target).group()  # type: ignore[union-attr]
    count = max(len(cases), 1)
    return {
        "n": len(cases),
        "suggested": suggested,
        "EM %": 100 * em / count,
        "first-token %": 100 * first / count,
        "list top-1 %": 100 * top1 / count,
        "list top-5 %": 100 * top5 / count,
        "p50 ms": statistics.median(times) if times else 0.0,
        "p95 ms": sorted(times)[int(0.95 * (len(times) - 1))] if times else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--cuts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget-ms", type=float, default=15.0)
    parser.add_argument("--warm-s", type=float, default=0.0, help="warm each document this long first")
    parser.add_argument("--typed", type=int, default=0, help="characters of the member typed at the cut")
    parser.add_argument("--lead-s", type=float, default=0.0, help="ask at the dot this long before the cut")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args()
    cases = examples(args.paths, args.cuts, args.seed, args.typed)
    print(f"{len(cases)} member-access cut points")
    rows = {}
    for name, constrain in (("free", False), ("constrained", True)):
        settings = replace(Settings(), constrain_members=constrain, analysis_budget_ms=args.budget_ms)
        engine = Engine(args.model, settings)
        rows[name] = evaluate(engine, cases, args.warm_s if constrain else 0.0, args.lead_s)
        if constrain:
            engine.analyzer.close()
    print(f"{'':12} " + " ".join(f"{k:>14}" for k in rows["free"]))
    for name, row in rows.items():
        print(
            f"{name:12} "
            + " ".join(f"{v:>14.2f}" if isinstance(v, float) else f"{v:>14}" for v in row.values())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
