"""The workspace index's cost through the real server: time from `initialized` until it is built, the server's
peak RSS beside a server with the index off on the same workspace, and the typing-path cost of retrieval.

    .venv/bin/python bench/index.py FOLDER [--runs 2]

FOLDER is opened as the workspace folder (e.g. runs/packages/src/django-4.2.13, about 900 files).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from harness import Session

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"


async def once(folder: Path, index: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "inkling", "serve", "--model", str(MODEL)]
    started = time.perf_counter()
    session = await Session.start("inkling", cmd, {"workspaceIndex": index}, root=folder)
    workspace: dict[str, Any] = {}
    try:
        while index and time.perf_counter() - started < 600:
            params = types.ExecuteCommandParams("inkling.modelInfo", [])
            workspace = (await session.request(types.WORKSPACE_EXECUTE_COMMAND, params)).get("workspace") or {}
            if workspace.get("built"):
                break
            await asyncio.sleep(0.2)
        built_s = time.perf_counter() - started
        await asyncio.sleep(1.0)
        rss = session.peak_rss_kib()
    finally:
        await session.close()
    return {"built_s": built_s if index else None, "workspace": workspace, "hwm_mib": rss.get("VmHWM", 0) / 1024}


async def main(args: argparse.Namespace) -> None:
    rows: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for _ in range(args.runs):
        for index in (False, True):
            result = await once(args.folder.resolve(), index)
            rows[index].append(result)
            print(f"index {'on ' if index else 'off'}: {result}", flush=True)
    off = statistics.median(r["hwm_mib"] for r in rows[False])
    on = statistics.median(r["hwm_mib"] for r in rows[True])
    built = statistics.median(r["built_s"] for r in rows[True])
    files = rows[True][-1]["workspace"].get("files")
    print(
        f"\n{args.folder}: {files} files indexed; from initialize to built: median {built:.1f} s "
        f"(the server's own start included); peak RSS off {off:.0f} MiB, on {on:.0f} MiB (+{on - off:.0f} MiB)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
