"""Train on This Workspace: `inkling finetune` in a child process (the server never imports torch), its
progress relayed to the client as cancellable work-done progress, then a switch to the new model.

Only a folder inside one of the client's workspace folders is trained on (both sides resolved with
os.path.realpath, so `..` and symlinks cannot lead out). The child never imports from the user's project:
it runs with `-P` and PYTHONSAFEPATH=1 (no current folder on sys.path) in a private temporary folder.
`start_finetune`, `follow` and `conclude` are also what background adaptation (lsp/adapt.py) runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import site
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.workspace import Workspace

import inkling
from inkling.lsp.instance import InklingServer

TRAIN_WORKSPACE = "inkling.trainWorkspace"
TRAINING_PYTHON_ENV = "INKLING_TRAINING_PYTHON"  # set by the extension: its managed training environment
DEFAULT_MINUTES = 5.0
REQUEST_FAILED = -32803  # LSP's RequestFailed: valid arguments, but the server cannot do it now
GRACE_S = 2.0  # a stopped child gets this long to clean up after Ctrl-C before it is killed
CANCEL_GRACE_S = 10.0  # the same after the user cancelled: long enough for an evaluation under way
ERROR_BYTES = 8192  # the end of the child's stderr, kept to explain a failure


@dataclass(frozen=True)
class Finished:
    """How a finetune child ended: its JSON result (empty when it wrote none), exit status and last errors."""

    result: dict[str, Any]
    code: int
    errors: str


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


async def train_on_workspace(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: a folder (absolute path or URI) inside the workspace and optionally minutes (default 5)."""
    folder, minutes = parse_arguments(args, ls.workspace)
    if ls.training:
        raise JsonRpcException("a workspace training is already running", REQUEST_FAILED)
    ls.training = True
    try:
        return await train_workspace(ls, folder, minutes)
    finally:
        ls.training = False


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
    cancelled = progress.tokens[token]
    try:
        with tempfile.TemporaryDirectory(prefix="inkling-train-") as scratch:
            process = await start_finetune(ls.engine.model_dir, folder, minutes, Path(scratch))
            finished = await follow(
                process, lambda record: progress.report(token, report(record)), cancelled.cancelled
            )
    except asyncio.CancelledError:  # the request itself was cancelled ($/cancelRequest)
        progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
        raise
    answer = await conclude(ls, finished, cancelled.cancelled())
    progress.end(token, types.WorkDoneProgressEnd(message=answer["message"]))
    ls.say(logging.INFO, answer["message"])
    return answer


async def start_finetune(
    model: Path, folder: Path, minutes: float, scratch: Path, low_priority: bool = False
) -> asyncio.subprocess.Process:
    """`inkling finetune --json` in a child that cannot import from the project: -P and PYTHONSAFEPATH=1 keep
    the current folder off sys.path, and its current folder is `scratch` (private, empty), not the project.
    With low_priority it starts under `nice -n 19` (where there is a `nice`), so it takes only idle CPU. The
    interpreter is TRAINING_PYTHON_ENV's when the client set it (the extension's managed environment, which has
    PyTorch; inkling comes from this process's path), else this process's own."""
    python = os.environ.get(TRAINING_PYTHON_ENV) or sys.executable
    command = [
        python,
        "-P",
        "-m",
        "inkling",
        "finetune",
        str(folder),
        "--model",
        os.path.realpath(model),
        "--minutes",
        str(minutes),
        "--json",
    ]
    nice = shutil.which("nice") if low_priority else None
    if nice is not None:
        command = [nice, "-n", "19", *command]  # nice execs Python: the child's id stays the process's
    return await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=scratch,
        env=_child_env(python),
    )


def _child_env(python: str) -> dict[str, str]:
    """The child's environment: PYTHONSAFEPATH=1; and, for another interpreter than this process's (the managed
    training environment, which holds PyTorch only), this process's inkling and libraries on its path, unless
    PYTHONPATH carries them already (the extension's bundle)."""
    env = {**os.environ, "PYTHONSAFEPATH": "1"}
    if python == sys.executable:
        return env
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(inkling.__file__)))
    current = [part for part in env.get("PYTHONPATH", "").split(os.pathsep) if part]
    if package_root not in current:
        env["PYTHONPATH"] = os.pathsep.join([*current, package_root, *site.getsitepackages()])
    return env


async def follow(
    process: asyncio.subprocess.Process,
    on_progress: Callable[[dict[str, Any]], None],
    interrupted: Callable[[], bool] = lambda: False,
) -> Finished:
    """Relay the child's progress records until it exits; once `interrupted()` turns true, stop the child.
    Cancelled, this stops the child (`stop`) before the cancellation goes on: no child outlives its task."""
    assert process.stdout is not None and process.stderr is not None
    watcher = asyncio.create_task(_interrupt_when(interrupted, process))
    errors = asyncio.create_task(_tail(process.stderr))  # read all along: a full pipe would block the child
    result: dict[str, Any] = {}
    try:
        async for line in process.stdout:
            record = _parse(line)
            if isinstance(record.get("result"), dict):
                result = record["result"]
            elif isinstance(record.get("progress"), dict):
                on_progress(record["progress"])
        code = await process.wait()
        return Finished(result, code, await errors)
    except asyncio.CancelledError:
        # Keep reading stdout while the child stops: a pipe left unread past its buffer pauses, never sees its
        # end, and process.wait() (which waits for the pipes too) would then hang with the child long dead.
        drain = asyncio.create_task(_tail(process.stdout))
        try:
            await stop(process)
        finally:
            drain.cancel()
        raise
    finally:
        watcher.cancel()
        errors.cancel()


async def stop(process: asyncio.subprocess.Process, grace: float = GRACE_S) -> None:
    """Ctrl-C for the child (training saves and stops between steps, removing its scratch folder), and
    kill -9 if it has not exited `grace` seconds later; then at most `grace` seconds more for its pipes."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        # wait() waits for the pipes to close too: a process the child started may hold them open for good
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)


async def _interrupt_when(interrupted: Callable[[], bool], process: asyncio.subprocess.Process) -> None:
    """Once the user cancels the progress, `stop` the child: Ctrl-C (training saves and stops between steps),
    and kill -9 should it not end within CANCEL_GRACE_S (once, in a fresh clone's test run, a cancelled child
    went on to the end of its two-minute budget)."""
    while not interrupted():
        await asyncio.sleep(0.2)
    await stop(process, CANCEL_GRACE_S)


async def _tail(stream: asyncio.StreamReader) -> str:
    """The stream read to its end (in chunks: a progress bar's lines end in \\r, not \\n); its last ERROR_BYTES."""
    kept = b""
    while chunk := await stream.read(1 << 16):
        kept = (kept + chunk)[-ERROR_BYTES:]
    return kept.decode(errors="replace")


def _parse(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def report(record: dict[str, Any]) -> types.WorkDoneProgressReport:
    """A finetune progress record as a work-done progress report."""
    if "valid_loss" in record:
        message = f"step {record['step']}: validation loss {record['valid_loss']:.3f}"
    else:
        message = f"step {record.get('step', 0)}"
    fraction = record.get("fraction")
    percentage = int(100 * fraction) if isinstance(fraction, int | float) else None
    return types.WorkDoneProgressReport(message=message, percentage=percentage)


async def conclude(ls: InklingServer, finished: Finished, cancelled: bool) -> dict[str, Any]:
    """The answer for a finished child; when its model beat the current one on the held-out files, the
    server switches to it. {"status": "trained" | "no-improvement" | "cancelled" | "failed", "message", ...}."""
    result, code, errors = finished.result, finished.code, finished.errors
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


def register(server: InklingServer) -> None:
    server.command(TRAIN_WORKSPACE)(train_on_workspace)
