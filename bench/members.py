"""Completion right after a member-access dot (`expr.|`) through the real server, with the static-analysis
constraint (setting constrainMembers) off and on, beside jedi-language-server on the same positions; the
analysis's own cost on the keystroke path; and, with --overall, line completion at uniformly drawn cut
points with the constraint off and on.

    .venv/bin/python -m bench.members PACKAGE_FOLDERS... [--cuts 100] [--typed 1] [--lead-s 0.15] \\
        [--warm-s 1] [--budget-ms 15] [--overall 200] [--json out.json]

Each folder (e.g. runs/heldout/mako-1.3.5/mako, from scripts/fetch_heldout.sh) is one held-out package:
it is copied into a temporary workspace, and per cut point the file on disk there is the document as sent
(the rest of the cut line removed), so the target line is nowhere a server can read, neither in the document
nor on disk; the original is put back after the cut. Both servers get the copy as their workspace folder.

Member cut points are seeded among NAME tokens that follow a `.` after a name, `)` or `]`, `--typed`
characters into the member. Per cut, for inkling: the document is opened as it was at the dot and left
`--warm-s` (the server reads it in the background after didOpen: the model's whole-file state in both runs,
the analysis when constrained), an inline completion is asked at the dot `--lead-s` before the member's first
characters are typed (a typist's previous keystroke; with --from-receiver the document is opened without the
dot, asked at the receiver's end, and the dot typed `--lead-s` later), then the inline completion at the cut is scored (exact
match and edit similarity of the rest of the line, first token), and the completion list at the cut: top-1 /
top-5 is the member's name (what is typed plus the rest of the identifier) as the first / among the first five
items by sortText then label. jedi-language-server gets the same document and position once; its list is
scored the same way. The analysis's counters (MemberAnalyzer.stats, from the server's inkling.modelInfo) are
read around the scored inline request, so the table says how that keystroke's analysis was answered: from the
cache, in time, or the budget ran out.

--overall N: N seeded cut points among all tokens that are not first on their line (EVALUATION.md), each a
freshly opened document (left `--warm-s` first, as above), one inline completion; scored on all of
them and on those right after a member-access dot.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import re
import shutil
import sys
import tempfile
import time
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types

from bench.harness import (
    ServerDied,
    Session,
    cpu_busy_seconds,
    document_for,
    heldout_files,
    inline_params,
    inline_prediction,
    no_nan,
    own_cpu_seconds,
    percentile,
    position_of,
    score_line,
)
from inkling.eval.cuts import Example, make_example, sample_cuts

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"
INLINE = types.TEXT_DOCUMENT_INLINE_COMPLETION
_NAME = re.compile(r"\w*")
_TAIL = re.compile(r"\w*\Z")
_AFTER_DOT = re.compile(r"[\w)\]]\.\Z")  # a cut right after an attribute-access dot
SETTINGS = (("free", False), ("constrained", True))


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


@dataclass(frozen=True)
class Case:
    """One cut: the document as sent, where the member starts (after the dot) and the cursor, the target."""

    path: str
    doc: str  # the document at the cut: the rest of the cut line removed
    dot: int  # offset of the member's first character (just after the dot)
    cursor: int  # offset of the cut (`typed` characters into the member)
    target: str  # the rest of the line from the cursor

    @property
    def want(self) -> str:
        """The member's whole name: what is typed of it and the rest of the identifier."""
        return self.doc[self.dot : self.cursor] + _NAME.match(self.target).group()  # type: ignore[union-attr]

    @property
    def before_dot(self) -> str:
        """The document before the dot was typed."""
        return self.doc[: self.dot - 1] + self.doc[self.cursor :]

    @property
    def at_dot(self) -> str:
        """The document before the member's first character was typed."""
        return self.doc[: self.dot] + self.doc[self.cursor :]


def member_cases(files: list[tuple[str, str]], cuts: int, seed: int, typed: int) -> list[Case]:
    """Seeded member-access cut points, `typed` characters into the member (at most its whole name)."""
    found = [(path, text, start) for path, text in files for start in member_cuts(text)]
    random.Random(seed).shuffle(found)
    cases = []
    for path, text, start in found[:cuts]:
        offset = start + min(typed, len(_NAME.match(text, start).group()))  # type: ignore[union-attr]
        example = make_example(path, text, offset)
        doc, cursor = document_for(example, text)
        cases.append(Case(path, doc, start, cursor, example.target))
    return cases


@contextmanager
def on_disk(path: str, text: str) -> Iterator[None]:
    """The file holds `text` (the document as sent) while the cut is measured; then its own text again."""
    file = Path(path)
    original = file.read_bytes()
    file.write_text(text, encoding="utf-8", newline="")
    try:
        yield
    finally:
        file.write_bytes(original)


def rank_of(answer: Any, want: str, skip_snippets: bool = False) -> int | None:
    """The 0-based rank of the first item labelled `want`, items ordered by sortText then label."""
    items = answer.items if isinstance(answer, types.CompletionList) else answer or []
    if skip_snippets:  # inkling's whole-line item (kind Snippet) is not a name
        items = [i for i in items if i.kind != types.CompletionItemKind.Snippet]
    ordered = sorted(items, key=lambda item: (item.sort_text or item.label, item.label))
    return next((k for k, item in enumerate(ordered) if item.label == want), None)


def completion_params(uri: str, position: types.Position) -> types.CompletionParams:
    context = types.CompletionContext(types.CompletionTriggerKind.Invoked)
    return types.CompletionParams(types.TextDocumentIdentifier(uri), position, context=context)


# ------------------------------------------------------------------------------------------- servers


def inkling_cmd(model: Path) -> list[str]:
    return [sys.executable, "-m", "inkling", "serve", "--model", str(model)]


def jls_cmd() -> list[str] | None:
    here = str(Path(sys.executable).parent)
    found = shutil.which("jedi-language-server", path=here) or shutil.which("jedi-language-server")
    return [found] if found else None


async def analysis(session: Session, samples: bool = False) -> dict[str, Any]:
    """The server's MemberAnalyzer.stats (None with constrainMembers off)."""
    args = ["analysisSamples"] if samples else []
    info = await session.request(
        types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams("inkling.modelInfo", args)
    )
    result: dict[str, Any] = info.get("analysis") or {}
    return result


def outcome(before: dict[str, Any], after: dict[str, Any]) -> str:
    """How the analysis answered between two stats: missed wins over in time over cached; "none" when it
    was not asked (not a member point for the analysis, or decoding did not ask)."""
    for key in ("missed", "inTime", "cached"):
        if after.get(key, 0) > before.get(key, 0):
            return key
    return "none"


async def inkling_members(
    session: Session, cases: list[Case], constrain: bool, args: argparse.Namespace
) -> list[dict[str, Any]]:
    records = []
    for case in cases:
        uri = Path(case.path).resolve().as_uri()
        with on_disk(case.path, case.doc):
            session.set_text(uri, case.before_dot if args.from_receiver else case.at_dot)
            if args.warm_s:  # the editor opened the file a moment ago
                await asyncio.sleep(args.warm_s)
            if args.from_receiver:  # a keystroke before: at the receiver's end; then the user typed the dot
                await session.request(INLINE, inline_params(uri, position_of(case.before_dot, case.dot - 1)))
                await asyncio.sleep(args.lead_s)
                session.insert(uri, position_of(case.at_dot, case.dot - 1), ".")
            if args.lead_s and case.cursor > case.dot:  # a keystroke earlier, right at the dot, asked already; then the user typed on
                await session.request(INLINE, inline_params(uri, position_of(case.at_dot, case.dot)))
                await asyncio.sleep(args.lead_s)
            if case.cursor > case.dot:
                session.insert(uri, position_of(case.doc, case.dot), case.doc[case.dot : case.cursor])
            position = position_of(case.doc, case.cursor)
            before = await analysis(session) if constrain else {}
            request = session.send(INLINE, inline_params(uri, position))
            answer = await session.wait(request)
            latency = request.latency_ms
            after = await analysis(session) if constrain else {}
            listed = await session.request(types.TEXT_DOCUMENT_COMPLETION, completion_params(uri, position))
            session.close_document(uri)
        prediction = inline_prediction(answer, case.doc, case.cursor)
        records.append(
            {
                "path": case.path,
                "cursor": case.cursor,
                "target": case.target,
                **score_line(prediction, case.target),
                "ms": latency,
                "rank": rank_of(listed, case.want),
                "rank_words": rank_of(listed, case.want, skip_snippets=True),
                "analysis": outcome(before, after),
            }
        )
    return records


async def jls_members(session: Session, cases: list[Case]) -> list[dict[str, Any]]:
    records = []
    for case in cases:
        uri = Path(case.path).resolve().as_uri()
        with on_disk(case.path, case.doc):
            session.set_text(uri, case.doc)
            position = position_of(case.doc, case.cursor)
            request = session.send(types.TEXT_DOCUMENT_COMPLETION, completion_params(uri, position))
            answer = await session.wait(request)
            session.close_document(uri)
        items = answer.items if isinstance(answer, types.CompletionList) else answer or []
        records.append(
            {
                "path": case.path,
                "cursor": case.cursor,
                "target": case.target,
                "ms": request.latency_ms,
                "items": len(items),
                "rank": rank_of(answer, case.want),
                "listed": any(item.label == case.want for item in items),
            }
        )
    return records


async def inkling_overall(
    session: Session, examples: list[Example], texts: dict[str, str], warm_s: float
) -> list[dict[str, Any]]:
    records = []
    for example in examples:
        doc, cursor = document_for(example, texts[example.cut.path])
        uri = Path(example.cut.path).resolve().as_uri()
        with on_disk(example.cut.path, doc):
            session.set_text(uri, doc)
            if warm_s:
                await asyncio.sleep(warm_s)
            request = session.send(INLINE, inline_params(uri, position_of(doc, cursor)))
            answer = await session.wait(request)
            session.close_document(uri)
        records.append(
            {
                "path": example.cut.path,
                "cursor": cursor,
                "target": example.target,
                "member": bool(_AFTER_DOT.search(example.prefix)),
                **score_line(inline_prediction(answer, doc, cursor), example.target),
                "ms": request.latency_ms,
            }
        )
    return records


# ------------------------------------------------------------------------------------------- tables


def line_row(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    times = [r["ms"] for r in records]
    return {
        "n": n,
        "suggested": sum(r["suggested"] for r in records),
        "EM %": 100 * sum(r["em"] for r in records) / n if n else float("nan"),
        "ES": sum(r["es"] for r in records) / n if n else float("nan"),
        "first-token %": 100 * sum(r["ft"] for r in records) / n if n else float("nan"),
        "p50 ms": percentile(times, 50),
        "p95 ms": percentile(times, 95),
    }


def list_row(records: list[dict[str, Any]], key: str = "rank") -> dict[str, Any]:
    n = len(records)
    ranks = [r[key] for r in records]
    return {
        "top-1 %": 100 * sum(k == 0 for k in ranks) / n if n else float("nan"),
        "top-5 %": 100 * sum(k is not None and k < 5 for k in ranks) / n if n else float("nan"),
    }


def member_row(records: list[dict[str, Any]]) -> dict[str, Any]:
    line = line_row(records)
    words = list_row(records, "rank_words")
    outcomes = [r["analysis"] for r in records]
    return {
        **{k: v for k, v in line.items() if not k.startswith("p")},
        **list_row(records),
        "top-5 words %": words["top-5 %"],
        "inline p50 ms": line["p50 ms"],
        "inline p95 ms": line["p95 ms"],
        "cached": outcomes.count("cached"),
        "in time": outcomes.count("inTime"),
        "missed": outcomes.count("missed"),
    }


def jls_row(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    times = [r["ms"] for r in records]
    return {
        "n": n,
        **list_row(records),
        "listed %": 100 * sum(r["listed"] for r in records) / n if n else float("nan"),
        "empty %": 100 * sum(r["items"] == 0 for r in records) / n if n else float("nan"),
        "p50 ms": percentile(times, 50),
        "p95 ms": percentile(times, 95),
    }


def cost_row(stats: list[dict[str, Any]]) -> dict[str, Any]:
    """The analysis's cost over one or more servers' stats (with samples): counts added, percentiles pooled."""

    def pooled(series: str) -> list[float]:
        return [v for s in stats for v in s.get(series, {}).get("samples", [])]

    calls = sum(s.get("calls", 0) for s in stats)
    missed = sum(s.get("missed", 0) for s in stats)
    wait, jedi, answer, warm = pooled("waitMs"), pooled("jediMs"), pooled("answerMs"), pooled("warmMs")
    return {
        "calls": calls,
        "cached": sum(s.get("cached", 0) for s in stats),
        "in time": sum(s.get("inTime", 0) for s in stats),
        "missed": missed,
        "missed %": 100 * missed / calls if calls else float("nan"),
        "wait p50": percentile(wait, 50),
        "wait p95": percentile(wait, 95),
        "jobs": sum(s.get("jobs", 0) for s in stats),
        "jedi p50": percentile(jedi, 50),
        "jedi p95": percentile(jedi, 95),
        "jedi max": max(jedi, default=float("nan")),
        "answer p50": percentile(answer, 50),
        "answer p95": percentile(answer, 95),
        "warm steps": len(warm),
        "warm p50": percentile(warm, 50),
        "warm p95": percentile(warm, 95),
        "failed": sum(s.get("failed", 0) for s in stats),
        "dropped": sum(s.get("dropped", 0) for s in stats),
    }


def print_table(title: str, rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    columns: list[str] = []
    for _, _, row in rows:
        columns += [c for c in row if c not in columns]
    widths = [max(len(c), 7) for c in columns]
    print(f"{'package':22} {'':12} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for package, name, row in rows:
        cells = []
        for column, width in zip(columns, widths, strict=True):
            value = row.get(column, "")
            cells.append(f"{value:>{width}.1f}" if isinstance(value, float) else f"{value!s:>{width}}")
        print(f"{package:22} {name:12} " + " ".join(cells))


# ------------------------------------------------------------------------------------------- run


def label_of(folder: Path) -> str:
    """`mako-1.3.5` for runs/heldout/mako-1.3.5/mako (the wheel's folder), else the folder's own name."""
    parent = folder.resolve().parent.name
    return parent if "-" in parent else folder.resolve().name


async def run_package(
    folder: Path, workspace: Path, args: argparse.Namespace, jls: list[str] | None
) -> dict[str, Any]:
    label = label_of(folder)
    root = workspace / label
    copy = root / folder.resolve().name
    shutil.copytree(folder, copy, symlinks=True)
    files, note = heldout_files(args.model, [copy])
    cases = member_cases(files, args.cuts, args.seed, args.typed)
    out: dict[str, Any] = {
        "package": label,
        "files": len(files),
        "files_note": note,
        "member_cuts": len(cases),
    }
    print(f"{label}: {len(files)} files ({note}); {len(cases)} member-access cut points", flush=True)
    # The workspace index would read the cut files whole (they are cut on disk one at a time): off here.
    settings = {"analysisBudgetMs": args.budget_ms, "workspaceIndex": False, **dict(args.setting)}

    if jls is not None:
        started = time.perf_counter()
        session = await Session.start("jedi", jls, {"diagnostics": {"enable": False}}, root=root)
        try:
            out["jls"] = await jls_members(session, cases)
        finally:
            await session.close()
        print(f"  jedi-language-server {time.perf_counter() - started:.0f} s", flush=True)

    for name, constrain in SETTINGS:
        started = time.perf_counter()
        init = {**settings, "constrainMembers": constrain}
        session = await Session.start("inkling", inkling_cmd(args.model), init, root=root)
        try:
            out[name] = await inkling_members(session, cases, constrain, args)
            if constrain:
                out[f"{name}_stats"] = await analysis(session, samples=True)
        finally:
            await session.close()
        print(f"  members, {name} {time.perf_counter() - started:.0f} s", flush=True)

    if args.overall:
        texts = dict(files)
        examples = sample_cuts(files, args.overall, args.seed).examples
        out["overall_cuts"] = len(examples)
        for name, constrain in SETTINGS:
            started = time.perf_counter()
            init = {**settings, "constrainMembers": constrain}
            session = await Session.start("inkling", inkling_cmd(args.model), init, root=root)
            try:
                out[f"overall_{name}"] = await inkling_overall(session, examples, texts, args.warm_s)
                if constrain:
                    out[f"overall_{name}_stats"] = await analysis(session, samples=True)
            finally:
                await session.close()
            print(f"  overall, {name} {time.perf_counter() - started:.0f} s", flush=True)
    return out


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """Print the tables (per package, then pooled over the cut points of all of them); returns the rows."""
    groups = [(r["package"], [r]) for r in results]
    if len(results) > 1:
        groups.append(("pooled", results))
    tables: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
        "members": [],
        "jls": [],
        "cost": [],
        "overall": [],
        "overall_members": [],
    }
    for package, group in groups:
        for name, _ in SETTINGS:
            tables["members"].append((package, name, member_row([x for r in group for x in r[name]])))
        if all("jls" in r for r in group):
            tables["jls"].append((package, "jls", jls_row([x for r in group for x in r["jls"]])))
        for key in ("constrained_stats", "overall_constrained_stats"):
            if all(key in r for r in group):
                pass_name = "members" if key == "constrained_stats" else "overall"
                tables["cost"].append((package, pass_name, cost_row([r[key] for r in group])))
        if all("overall_free" in r for r in group):
            for name, _ in SETTINGS:
                records = [x for r in group for x in r[f"overall_{name}"]]
                tables["overall"].append((package, name, line_row(records)))
                tables["overall_members"].append(
                    (package, name, line_row([x for x in records if x["member"]]))
                )
    how = (
        f"--typed {args.typed}, --lead-s {args.lead_s:g}, --warm-s {args.warm_s:g}, "
        f"{'--from-receiver, ' if args.from_receiver else ''}"
        f"--budget-ms {args.budget_ms:g}, seed {args.seed}"
    )
    print_table(
        f"member access through the server ({how}); cached / in time / missed: how the scored "
        "keystroke's analysis was answered; top-5 words: without the whole-line item",
        tables["members"],
    )
    print_table(
        "jedi-language-server on the same documents and positions (listed: the name anywhere in its list)",
        tables["jls"],
    )
    print_table(
        "the analysis on the keystroke path, constrained runs (ms): every names() call at a member point "
        "(the lead, the scored keystroke, the list), jedi's time per job, queued-to-answered, warm-up steps",
        tables["cost"],
    )
    if tables["overall"]:
        print_table(
            f"line completion at {args.overall} seeded cut points per package (token starts, each a freshly "
            f"opened document, left --warm-s {args.warm_s:g} before the request)",
            tables["overall"],
        )
        print_table("... the same at the cuts right after a member-access dot", tables["overall_members"])
    return {k: [{"package": p, "setting": s, **row} for p, s, row in v] for k, v in tables.items()}


def _setting(pair: str) -> tuple[str, Any]:
    """NAME=VALUE as an initializationOptions entry (the value read as JSON when it can be)."""
    name, _, value = pair.partition("=")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    jls = None if args.no_jedi else jls_cmd()
    if jls is None and not args.no_jedi:
        print("jedi-language-server not found: its column is left out", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="inkling-members-") as workspace:
        for folder in args.paths:
            results.append(await run_package(folder, Path(workspace), args, jls))
    return {"config": {k: str(v) for k, v in vars(args).items()}, "packages": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="held-out package folders")
    parser.add_argument("--cuts", type=int, default=100, help="member-access cut points per package")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget-ms", type=float, default=15.0, help="the setting analysisBudgetMs")
    parser.add_argument("--warm-s", type=float, default=1.0, help="leave each opened document this long")
    parser.add_argument("--typed", type=int, default=1, help="characters of the member typed at the cut")
    parser.add_argument(
        "--from-receiver",
        action="store_true",
        help="ask at the receiver's end too, --lead-s before the dot is typed (a typist's keystroke before it)",
    )
    parser.add_argument("--lead-s", type=float, default=0.15, help="ask at the dot this long before the cut")
    parser.add_argument("--overall", type=int, default=0, help="also N uniformly drawn line-completion cuts")
    parser.add_argument("--no-jedi", action="store_true", help="skip jedi-language-server")
    parser.add_argument(
        "--set",
        dest="setting",
        action="append",
        type=_setting,
        default=[],
        metavar="NAME=VALUE",
        help="another server setting for both runs",
    )
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--json", type=Path, help="write the rows and every cut's record here")
    parser.add_argument("--tiny", action="store_true", help="5 cuts, 5 overall cuts, no waits: seconds")
    args = parser.parse_args()
    if args.tiny:
        args.cuts, args.overall, args.warm_s, args.lead_s = 5, 5 if args.overall else 0, 0.0, 0.0
    args.model = args.model.resolve()
    started = time.perf_counter()
    busy, own = cpu_busy_seconds(), own_cpu_seconds()
    try:
        results = asyncio.run(main_async(args))
    except ServerDied as err:
        print(f"\nFAILED: {err}\n--- {err.name} stderr (tail) ---\n{err.stderr_tail}", file=sys.stderr)
        return 1
    rows = report(results["packages"], args)
    wall = time.perf_counter() - started
    others = max(0.0, cpu_busy_seconds() - busy - (own_cpu_seconds() - own)) / wall
    print(f"\nwall time {wall:.0f} s; other processes busy on {others:.2f} cores on average")
    if args.json:
        out = {**results, "rows": rows, "wall_s": wall, "other_processes_cores": others}
        text = json.dumps(no_nan(out), indent=1, default=str)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
