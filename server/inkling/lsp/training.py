"""Train on This Workspace: `inkling finetune` in a child process (the server never imports torch), its
progress relayed to the client as cancellable work-done progress, then a switch to the new model.

Only a folder inside one of the client's workspace folders is trained on (both sides resolved with
os.path.realpath, so `..` and symlinks cannot lead out). The child never imports from the user's project:
it runs with `-P` and PYTHONSAFEPATH=1 (no current folder on sys.path) in a private temporary folder."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcInvalidParams
from pygls.workspace import Workspace

if TYPE_CHECKING:
    from inkling.lsp.server import InklingServer

TRAIN_WORKSPACE = "inkling.trainWorkspace"
DEFAULT_MINUTES = 5.0


def parse_arguments(args: tuple[Any, ...], workspace: Workspace) -> tuple[Path, float]:
    """[folder (an absolute path or a file:// URI), minutes?] → (the folder resolved, minutes);
    JsonRpcInvalidParams (-32602) for anything else, including a folder outside the workspace's folders."""
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise JsonRpcInvalidParams(f"expected a folder and optionally minutes, got {list(args)!r}")
    minutes = args[1] if len(args) == 2 else DEFAULT_MINUTES
    if not isinstance(minutes, int | float) or isinstance(minutes, bool) or not 0 < minutes <= 120:
        raise JsonRpcInvalidParams(f"minutes must be a number in (0, 120], got {minutes!r}")
    raw = (uris.to_fs_path(args[0]) or "") if args[0].startswith("file:") else args[0]
    if not raw or not os.path.isabs(raw):
        raise JsonRpcInvalidParams(f"expected an absolute folder path or a file:// URI, got {args[0]!r}")
    folder = Path(os.path.realpath(raw))
    roots = workspace_roots(workspace)
    if not roots:
        raise JsonRpcInvalidParams(
            "the client named no workspace folder (initialize's workspaceFolders or rootUri), so there is "
            "no workspace to train on: open a folder first"
        )
    if not any(folder == root or folder.is_relative_to(root) for root in roots):
        shown = ", ".join(str(root) for root in roots)
        raise JsonRpcInvalidParams(f"{folder} is outside the workspace folders ({shown}): not trained on")
    if not folder.is_dir():
        raise JsonRpcInvalidParams(f"{folder} is not a folder")
    return folder, float(minutes)


def workspace_roots(workspace: Workspace) -> list[Path]:
    """The client's workspace folders and root, as real paths (file:// ones only)."""
    uris_seen = [folder.uri for folder in workspace.folders.values()]
    if workspace.root_uri:
        uris_seen.append(workspace.root_uri)
    paths = {uris.to_fs_path(uri) for uri in uris_seen if uri.startswith("file:")}
    return sorted({Path(os.path.realpath(path)) for path in paths if path})


async def train_workspace(ls: InklingServer, folder: Path, minutes: float) -> dict[str, Any]:
    """Fine-tune the current model on `folder`; switch to the result when it is better on held-out files.
    Returns {"status": "trained" | "no-improvement" | "cancelled" | "failed", "message", ...numbers}."""
    token = f"inkling-train-{uuid.uuid4()}"
    await ls.work_done_progress.create_async(token)
    progress = ls.work_done_progress
    progress.begin(
        token,
        types.WorkDoneProgressBegin(
            title="Inkling: training on the workspace",
            message="collecting files",
            cancellable=True,
            percentage=0,
        ),
    )
    with tempfile.TemporaryDirectory(prefix="inkling-train-") as scratch:
        return await _run_child(ls, folder, minutes, token, Path(scratch))


async def _run_child(
    ls: InklingServer, folder: Path, minutes: float, token: str, scratch: Path
) -> dict[str, Any]:
    """`inkling finetune` in a child that cannot import from the project: -P and PYTHONSAFEPATH=1 keep the
    current folder off sys.path, and its current folder is `scratch` (private, empty), not the project."""
    progress = ls.work_done_progress
    model = Path(os.path.realpath(ls.engine.model_dir))
    command = [sys.executable, "-P", "-m", "inkling", "finetune", str(folder), "--model", str(model)]
    process = await asyncio.create_subprocess_exec(
        *command,
        "--minutes",
        str(minutes),
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=scratch,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
    )
    cancelled = progress.tokens[token]
    watcher = asyncio.create_task(_interrupt_when(cancelled, process))
    result: dict[str, Any] = {}
    try:
        assert process.stdout is not None and process.stderr is not None
        async for line in process.stdout:
            record = _parse(line)
            if "result" in record:
                result = record["result"]
            elif "progress" in record:
                progress.report(token, _report(record["progress"]))
        errors = (await process.stderr.read()).decode(errors="replace")
        code = await process.wait()
    except asyncio.CancelledError:  # the request itself was cancelled ($/cancelRequest)
        process.send_signal(signal.SIGINT)
        await process.wait()
        progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
        raise
    finally:
        watcher.cancel()
    answer = await _conclude(ls, result, code, errors, cancelled.cancelled())
    progress.end(token, types.WorkDoneProgressEnd(message=answer["message"]))
    ls.say(logging.INFO, answer["message"])
    return answer


async def _interrupt_when(cancelled: Any, process: asyncio.subprocess.Process) -> None:
    """Ctrl-C for the child once the user cancels the progress (training saves and stops between steps)."""
    while not cancelled.cancelled():
        await asyncio.sleep(0.2)
    if process.returncode is None:
        process.send_signal(signal.SIGINT)


def _parse(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _report(record: dict[str, Any]) -> types.WorkDoneProgressReport:
    if "valid_loss" in record:
        message = f"step {record['step']}: validation loss {record['valid_loss']:.3f}"
    else:
        message = f"step {record.get('step', 0)}"
    fraction = record.get("fraction")
    percentage = int(100 * fraction) if isinstance(fraction, int | float) else None
    return types.WorkDoneProgressReport(message=message, percentage=percentage)


async def _conclude(
    ls: InklingServer, result: dict[str, Any], code: int, errors: str, cancelled: bool
) -> dict[str, Any]:
    if cancelled or code == 130:
        return {"status": "cancelled", "message": "Training cancelled: the current model stays."}
    if code != 0 or not result:
        reason = errors.strip().splitlines()[-1] if errors.strip() else f"exit status {code}"
        return {"status": "failed", "message": f"Training failed: {reason}"}
    numbers = (
        f"{result['files']} files trained on; validation loss on {result['heldOut']} held-out files "
        f"{result['lossBefore']:.3f} -> {result['lossAfter']:.3f} nats/token"
    )
    if result["model"] is None:
        return {
            **result,
            "status": "no-improvement",
            "message": f"{numbers}: no improvement, the current model stays.",
        }
    model = Path(result["model"])
    await ls.load_model(model)
    if ls.engine.model_dir != model:
        return {**result, "status": "failed", "message": f"{numbers}, but the new model did not load."}
    ls.default_model = ls.requested_model = model  # until the client sets modelPath itself
    return {**result, "status": "trained", "message": f"{numbers}: now using the new model ({model})."}
