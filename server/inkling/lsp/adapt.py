"""Background adaptation (setting adaptToWorkspace): once the workspace is indexed and the editor idle, the
workspace fine-tune runs once per session at low priority, and its model is adopted only if it wins.

The run is Train on This Workspace's (lsp/training.py: `inkling finetune` in a child that never imports the
project, its progress relayed, the switch to the new model) on the first workspace folder in path order,
with three differences: it starts by itself, after IDLE_S seconds without an edit or a request once the
workspace index is built (or, with workspaceIndex off, once the client named its folders); the child runs
under `nice -n 19`; and it is not cancellable from the progress (turning the setting off stops it). The new
model is adopted only when `inkling finetune` published one, that is when it beat the current model on the
project's held-out files, and only if the current model is still the one it started from.

Turning the setting off, the `shutdown` request, `exit` and the client going away all stop the child (Ctrl-C,
then kill -9 after training.GRACE_S). A stopped run may start again when the setting is turned back on; a
run that finished (adopted, rejected or failed) does not, until the server starts again.

Tests shorten the waits with two environment variables read when the server starts: INKLING_ADAPT_IDLE_S
(seconds of idleness, default IDLE_S) and INKLING_ADAPT_MINUTES (the training budget, default MINUTES)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Literal

from lsprotocol import types

from inkling.lsp.instance import InklingServer
from inkling.lsp.training import conclude, follow, report, start_finetune, workspace_roots

log = logging.getLogger("inkling.server")
IDLE_S = 60.0  # the editor must have been quiet this long before the run starts
MINUTES = 5.0  # the training budget, as Train on This Workspace's default
IDLE_ENV = "INKLING_ADAPT_IDLE_S"
MINUTES_ENV = "INKLING_ADAPT_MINUTES"
POLL_S = 1.0  # how often the waiting task looks at the index and the clock
PROGRESS_S = 10.0  # how long the client may take to accept a progress token

AdaptState = Literal["idle", "running", "adopted", "rejected", "failed", "stopped"]
FROM_STATUS: dict[str, AdaptState] = {
    "trained": "adopted",
    "no-improvement": "rejected",
    "failed": "failed",
    "cancelled": "stopped",
}
NUMBERS = ("files", "heldOut", "lossBefore", "lossAfter", "steps", "seconds", "model")


def _positive(name: str, default: float) -> float:
    """A positive number from the environment variable `name`, else `default` (a bad value is logged)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        log.warning("%s=%r is not a positive number: using %s", name, raw, default)
        return default
    return value


class Adaptation:
    """The one background adaptation of a server session: waits, runs, and says how it went."""

    def __init__(self, ls: InklingServer) -> None:
        self.ls = ls
        self.idle_s = _positive(IDLE_ENV, IDLE_S)
        self.minutes = _positive(MINUTES_ENV, MINUTES)
        self.state: AdaptState = "idle"
        self.message = ""
        self.folder: Path | None = None
        self.numbers: dict[str, Any] = {}
        self.last_activity = time.monotonic()
        self._task: asyncio.Task[None] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._stop_reason = "the server is ending"
        self._finished = False  # adopted, rejected or failed: not again this session

    def active(self) -> None:
        """An edit or a request came: the editor is not idle."""
        self.last_activity = time.monotonic()

    async def follow_settings(self) -> None:
        """After the settings (or the workspace) changed: start waiting when adaptToWorkspace is on, stop
        the waiting or the run when it is off."""
        if not self.ls.engine.settings.adapt_to_workspace:
            await self.stop("the setting adaptToWorkspace was turned off")
        elif (self._task is None or self._task.done()) and not self._finished:
            self.last_activity = time.monotonic()  # the idle period starts now
            self._task = asyncio.ensure_future(self._wait_then_adapt())

    async def stop(self, reason: str) -> None:
        """Stop waiting, or stop the run's child and keep the current model."""
        task, self._task = self._task, None
        if task is None or task.done():
            return
        self._stop_reason = reason
        task.cancel()
        await asyncio.wait({task})

    def kill(self) -> None:
        """Last resort when the server ends without its event loop: kill -9 a child still running."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(OSError):
                os.kill(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))

    def to_json(self) -> dict[str, Any]:
        """For modelInfo: the state, what it means, the folder, and the held-out numbers once known."""
        return {
            "enabled": self.ls.engine.settings.adapt_to_workspace,
            "state": self.state,
            "message": self.message,
            "folder": str(self.folder) if self.folder else None,
            **self.numbers,
        }

    def _ready(self) -> Path | None:
        """The folder to adapt to once everything is in place and the editor idle, else None."""
        ls = self.ls
        roots = workspace_roots(ls.workspace)
        if not roots or ls.training or not ls.engine.loaded or ls.status.state == "error":
            return None
        project = ls.engine.project
        if ls.engine.settings.workspace_index and (project is None or not project.stats()["built"]):
            return None
        if time.monotonic() - self.last_activity < self.idle_s:
            return None
        return roots[0]

    async def _wait_then_adapt(self) -> None:
        try:
            while (folder := self._ready()) is None:
                await asyncio.sleep(min(POLL_S, self.idle_s / 4))
            await self._adapt(folder)
        except asyncio.CancelledError:
            if self.state == "running":
                self._set("stopped", f"Adaptation stopped ({self._stop_reason}): the current model stays.")
            raise
        except Exception as exc:  # a bug here must not take the server down; it says what happened
            log.exception("background adaptation failed")
            self._set("failed", f"Adaptation failed: {exc}")
            self._finished = True

    async def _adapt(self, folder: Path) -> None:
        ls = self.ls
        base = ls.engine.model_dir
        self.folder, self.numbers = folder, {}
        self._set(
            "running",
            f"Adapting the model to {folder} in the background ({self.minutes:g} minutes at low priority).",
        )
        token = await self._progress_begin()
        ls.training = True  # Train on This Workspace waits for this one
        outcome = "ended early"
        try:
            with tempfile.TemporaryDirectory(prefix="inkling-adapt-") as scratch:
                self._process = await start_finetune(
                    base, folder, self.minutes, Path(scratch), low_priority=True
                )
                finished = await follow(self._process, lambda record: self._progress_report(token, record))
            if finished.result.get("model") and ls.engine.model_dir != base:  # the user switched meanwhile
                message = (
                    f"better than {base.name}, but the model changed to {ls.engine.model_dir}: it stays."
                )
                answer = {**finished.result, "status": "no-improvement", "message": message}
            else:
                answer = await conclude(ls, finished, cancelled=False)
            outcome = answer["message"]
        finally:
            ls.training = False
            self._process = None
            self._progress_end(token, outcome)
        self.numbers = {key: answer[key] for key in NUMBERS if key in answer}
        self._finished = answer["status"] != "cancelled"
        self._set(FROM_STATUS[answer["status"]], f"Adaptation to {folder}: {answer['message']}")

    def _set(self, state: AdaptState, message: str) -> None:
        self.state, self.message = state, message
        self.ls.say(logging.WARNING if state == "failed" else logging.INFO, message)

    async def _progress_begin(self) -> str | None:
        """Work-done progress, where the client supports it: not cancellable, so an editor shows it quietly
        (VS Code: in the status bar, not as a notification)."""
        window = self.ls.client_capabilities.window
        if not (window and window.work_done_progress):
            return None
        token = f"inkling-adapt-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(self.ls.work_done_progress.create_async(token), PROGRESS_S)
        except Exception as exc:  # the client refused: the log and modelInfo still tell
            log.warning("no progress for the adaptation: %s", exc)
            return None
        begin = types.WorkDoneProgressBegin(
            title="Inkling: adapting to the workspace", message="collecting files", cancellable=False
        )
        self.ls.work_done_progress.begin(token, begin)
        return token

    def _progress_report(self, token: str | None, record: dict[str, Any]) -> None:
        if token is not None:
            self.ls.work_done_progress.report(token, report(record))

    def _progress_end(self, token: str | None, message: str) -> None:
        if token is not None:
            self.ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
