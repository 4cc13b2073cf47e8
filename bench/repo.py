"""Repository-level line completion (EVALUATION.md) through the real server: the workspace index off and on.

    .venv/bin/python -m bench.repo PACKAGE_FOLDERS... [--seeds 0 1 2] [--cuts 60] [--warm-s 0.3] \\
        [--set NAME=VALUE ...] [--variant NAME:NAME=VALUE,... ...] [--json out.json]

Per package and seed, the package is copied into a temporary workspace, one seeded cut point is drawn per file
(uniformly among the tokens that are not first on their line; at most --cuts files, drawn by the seed), and
every cut file is written truncated on disk (the rest of the cut line removed) before a server starts, so the
target line is nowhere the server can read: not on disk, not in any document version sent. The server gets
the copy as its workspace folder, its index is let finish (modelInfo's `workspace.built`), and each cut file is
opened as truncated, left --warm-s, asked one inline completion at the cut, and closed. Scored with the line
metrics (EM, ES, first token); the variants answer the same cut points.

Variants: "off" (workspaceIndex false) and "on" (true) unless --variant names others, e.g.
`--variant w1:projectWeight=0.1 --variant w3:projectWeight=0.3`. A variant with `adapted=true` is served by
the model that `inkling finetune` makes from the cut copy (--adapt-minutes of training; the files as the
server sees them, so never a target line), or by the shipped model when the fine-tune did not beat it on the
copy's held-out files, as the adaptToWorkspace setting would do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from bench.harness import (
    Session,
    document_for,
    heldout_files,
    inline_params,
    inline_prediction,
    position_of,
    score_line,
)
from inkling.eval.cuts import candidate_cuts, make_example

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"
INLINE = types.TEXT_DOCUMENT_INLINE_COMPLETION


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(text: str) -> dict[str, Any]:
    return {name: _value(value) for name, _, value in (p.partition("=") for p in text.split(",") if p)}


def cut_workspace(folder: Path, root: Path, seed: int, cuts: int) -> list[dict[str, Any]]:
    """Copy `folder` under `root`, cut one seeded point per file (at most `cuts` files) and write each cut
    file truncated; returns the cases (path, doc, cursor, target)."""
    copy = root / folder.resolve().name
    shutil.copytree(folder, copy, symlinks=True)
    files, _ = heldout_files(MODEL, [copy])
    rng = random.Random(seed)
    rng.shuffle(files)
    cases = []
    for path, text in files:
        if len(cases) == cuts:
            break
        points = candidate_cuts(path, text)
        if not points:
            continue
        example = make_example(path, text, rng.choice(points).offset)
        doc, cursor = document_for(example, text)
        Path(path).write_text(doc, encoding="utf-8", newline="")
        cases.append({"path": path, "doc": doc, "cursor": cursor, "target": example.target})
    return cases


async def model_info(session: Session) -> dict[str, Any]:
    params = types.ExecuteCommandParams("inkling.modelInfo", [])
    result: dict[str, Any] = await session.request(types.WORKSPACE_EXECUTE_COMMAND, params)
    return result


def adapt(root: Path, out: Path, minutes: float) -> tuple[Path, dict[str, Any]]:
    """`inkling finetune` on the cut copy: the model it published (else the shipped one) and its result."""
    command = [sys.executable, "-m", "inkling", "finetune", str(root), "--model", str(MODEL)]
    command += ["--out", str(out), "--minutes", str(minutes), "--json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:  # e.g. too few whole files to hold some out: the setting keeps the model too
        return MODEL, {"failed": done.stderr.strip()[-300:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])["result"]
    return (Path(result["model"]) if result.get("model") else MODEL), result


async def run_variant(
    root: Path, cases: list[dict[str, Any]], init: dict[str, Any], warm_s: float, model: Path = MODEL
) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "inkling", "serve", "--model", str(model)]
    session = await Session.start("inkling", cmd, init, root=root)
    records = []
    try:
        waited = time.perf_counter()
        workspace: dict[str, Any] = {}
        while init.get("workspaceIndex", True) and time.perf_counter() - waited < 300:
            workspace = (await model_info(session)).get("workspace") or {}
            if workspace.get("built"):
                break
            await asyncio.sleep(0.5)
        for case in cases:
            uri = Path(case["path"]).resolve().as_uri()
            session.set_text(uri, case["doc"])
            if warm_s:
                await asyncio.sleep(warm_s)
            request = session.send(INLINE, inline_params(uri, position_of(case["doc"], case["cursor"])))
            answer = await session.wait(request)
            session.close_document(uri)
            prediction = inline_prediction(answer, case["doc"], case["cursor"])
            records.append({**score_line(prediction, case["target"]), "ms": request.latency_ms})
        rss = session.peak_rss_kib()
    finally:
        await session.close()
    return {"records": records, "workspace": workspace, "rss_kib": rss}


def row(records: list[dict[str, Any]]) -> dict[str, float]:
    n = max(1, len(records))
    return {
        "n": len(records),
        "EM": 100 * sum(r["em"] for r in records) / n,
        "ES": sum(r["es"] for r in records) / n,
        "FT": 100 * sum(r["ft"] for r in records) / n,
    }


async def main(args: argparse.Namespace) -> None:
    base = {name: _value(value) for name, _, value in (p.partition("=") for p in args.set)}
    variants = [(name, _pairs(rest)) for name, _, rest in (v.partition(":") for v in args.variant)] or [
        ("off", {"workspaceIndex": False}),
        ("on", {"workspaceIndex": True}),
    ]
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for folder in args.folders:
        label = folder.resolve().parent.name if "-" in folder.resolve().parent.name else folder.name
        for seed in args.seeds:
            with tempfile.TemporaryDirectory(prefix="inkling-repo-") as temp:
                root = Path(temp) / label
                cases = cut_workspace(folder, root, seed, args.cuts)
                adapted: Path | None = None
                for name, settings in variants:
                    settings = dict(settings)
                    model = MODEL
                    if settings.pop("adapted", False):
                        if adapted is None:
                            adapted, result = adapt(root, Path(temp) / "adapted", args.adapt_minutes)
                            print(f"{label} seed {seed} adapted: {result}", flush=True)
                        model = adapted
                    started = time.perf_counter()
                    out = await run_variant(root, cases, {**base, **settings}, args.warm_s, model)
                    results.setdefault(label, {}).setdefault(name, []).extend(out["records"])
                    took = time.perf_counter() - started
                    print(
                        f"{label} seed {seed} {name}: {row(out['records'])} index {out['workspace']} "
                        f"rss {out['rss_kib']} ({took:.0f} s)",
                        flush=True,
                    )
    print(f"\n{'package':16} {'variant':10} {'n':>5} {'EM':>6} {'ES':>6} {'FT':>6}")
    pooled: dict[str, list[dict[str, Any]]] = {}
    for label, by_variant in results.items():
        for name, records in by_variant.items():
            pooled.setdefault(name, []).extend(records)
            r = row(records)
            print(f"{label:16} {name:10} {r['n']:>5} {r['EM']:>6.1f} {r['ES']:>6.1f} {r['FT']:>6.1f}")
    for name, records in pooled.items():
        r = row(records)
        print(f"{'pooled':16} {name:10} {r['n']:>5} {r['EM']:>6.1f} {r['ES']:>6.1f} {r['FT']:>6.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--cuts", type=int, default=60, help="cut files per package and seed, at most")
    parser.add_argument("--warm-s", type=float, default=0.3, help="wait after didOpen before asking")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for all")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME:NAME=VALUE,...")
    parser.add_argument("--adapt-minutes", type=float, default=5.0, help="training for an `adapted=true` variant")
    parser.add_argument("--json")
    asyncio.run(main(parser.parse_args()))
