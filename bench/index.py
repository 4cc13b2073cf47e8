"""The workspace index's cost through the real server: time from `initialized` until it is built from nothing
(cold) and until the index saved by that start is reloaded (warm), the saved index's size on disk, the server's
peak RSS beside a server with the index off on the same workspace; and the same build and reload in process,
without the server's own start.

    .venv/bin/python -m bench.index FOLDER [--runs 2]

FOLDER is opened as the workspace folder (e.g. runs/packages/src/django-4.2.13, about 900 files). Each cold
start gets an empty cache folder of its own (INKLING_CACHE_DIR); its warm start reuses that folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from bench.harness import Session
from inkling.completion.project import Project

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"


def saved_bytes(cache: Path) -> int:
    return sum(path.stat().st_size for path in cache.glob("index/*.npz"))


async def once(folder: Path, index: bool, cache: Path) -> dict[str, Any]:
    """One server over `folder` saving its index in `cache`: seconds from start until the index answers
    (`usable_s`: files indexed) and until it is built for the files as they are (`built_s`), the index's
    stats, and the server's peak RSS once its index is saved."""
    os.environ["INKLING_CACHE_DIR"] = str(cache)
    cmd = [sys.executable, "-m", "inkling", "serve", "--model", str(MODEL)]
    started = time.perf_counter()
    session = await Session.start("inkling", cmd, {"workspaceIndex": index}, root=folder)
    workspace: dict[str, Any] = {}
    usable_s = built_s = None
    try:
        while index and time.perf_counter() - started < 600:
            params = types.ExecuteCommandParams("inkling.modelInfo", [])
            workspace = (await session.request(types.WORKSPACE_EXECUTE_COMMAND, params)).get(
                "workspace"
            ) or {}
            if usable_s is None and workspace.get("files"):
                usable_s = time.perf_counter() - started
            if workspace.get("built"):
                built_s = time.perf_counter() - started
                break
            await asyncio.sleep(0.05)
        while index and not saved_bytes(cache) and time.perf_counter() - started < 600:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        rss = session.peak_rss_kib()
    finally:
        await session.close()
    return {
        "usable_s": usable_s,
        "built_s": built_s,
        "workspace": workspace,
        "hwm_mib": rss.get("VmHWM", 0) / 1024,
    }


def in_process(folder: Path, cache: Path) -> dict[str, float]:
    """The index built from nothing, saved, then reloaded by a second Project, in this process (seconds)."""
    out: dict[str, float] = {}
    started = time.perf_counter()
    cold = Project([folder], cache=cache)
    cold.start()
    while not cold.stats()["built"]:
        time.sleep(0.005)
    out["cold_built_s"] = time.perf_counter() - started
    while not saved_bytes(cache):  # its own save, after the build
        time.sleep(0.005)
    cold.close()
    assert cold.retriever is not None
    began = time.perf_counter()
    out["saved_mb"] = cold.store.save(cold.retriever, cold.files.disk_texts()) / 1e6
    out["save_s"] = time.perf_counter() - began
    started = time.perf_counter()
    warm = Project([folder], cache=cache)
    warm.start()
    while warm.retriever is None:
        time.sleep(0.005)
    out["reload_usable_s"] = time.perf_counter() - started
    while not warm.stats()["built"]:
        time.sleep(0.005)
    out["reload_built_s"] = time.perf_counter() - started
    out["restored_files"] = warm.restored
    out["cut_after_reload"] = warm.stats()["cut"]
    warm.close()
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


async def main(args: argparse.Namespace) -> None:
    folder = args.folder.resolve()
    rows: dict[str, list[dict[str, Any]]] = {"off": [], "cold": [], "warm": []}
    sizes: list[int] = []
    with tempfile.TemporaryDirectory(prefix="inkling-bench-index-") as scratch:
        for run in range(args.runs):
            cache = Path(scratch) / f"cache-{run}"
            for kind in ("off", "cold", "warm"):
                result = await once(folder, kind != "off", Path(scratch) / "off" if kind == "off" else cache)
                rows[kind].append(result)
                print(f"index {kind:4}: {result}", flush=True)
            sizes.append(saved_bytes(cache))
        local = in_process(folder, Path(scratch) / "in-process")
    print(f"in process: {local}")

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[kind])

    files = rows["cold"][-1]["workspace"].get("files")
    restore_s = statistics.median(r["workspace"].get("restoreS") or 0.0 for r in rows["warm"])
    off, cold, warm = median("off", "hwm_mib"), median("cold", "hwm_mib"), median("warm", "hwm_mib")
    print(
        f"\n{args.folder}: {files} files indexed; saved index {statistics.median(sizes) / 1e6:.1f} MB on disk\n"
        f"  server, from initialize (its own start included): cold build {median('cold', 'built_s'):.1f} s; "
        f"reload: answering after {median('warm', 'usable_s'):.1f} s, built after {median('warm', 'built_s'):.1f} s "
        f"(loading the saved index inside the server: {restore_s:.2f} s)\n"
        f"  peak RSS: index off {off:.0f} MiB, cold {cold:.0f} MiB (+{cold - off:.0f}), "
        f"reloaded {warm:.0f} MiB (+{warm - off:.0f})\n"
        f"  in process: cold build {local['cold_built_s']:.2f} s (scan + cut), save {local['save_s']:.2f} s, "
        f"reload to a usable index {local['reload_usable_s']:.2f} s, to built {local['reload_built_s']:.2f} s "
        f"({local['cut_after_reload']:.0f} files cut after it), peak RSS {local['peak_rss_mib']:.0f} MiB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
