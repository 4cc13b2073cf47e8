"""The relay of a training child (lsp/training.py `follow`): cancelled (the setting turned off, the server
ending), it stops the child and ends, even when the child floods its stdout while it stops or leaves behind a
process that holds its pipes; interrupted by the user, it ends the child though the child ignores Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from typing import Any

import pytest

from inkling.lsp import training
from inkling.lsp.training import GRACE_S, follow

# One progress record, then on Ctrl-C 2 MB more (far past what an unread pipe buffers) and no exit: kill -9 ends it.
FLOODING_CHILD = """
import signal, sys, time
def flood(*_):
    sys.stdout.write('{"progress": {"step": 1}}\\n' * 80000)
    sys.stdout.flush()
    time.sleep(600)
signal.signal(signal.SIGINT, flood)
print('{"progress": {"step": 0}}', flush=True)
time.sleep(600)
"""


# One progress record, then Ctrl-C ignored.
DEAF_CHILD = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
print('{"progress": {"step": 0}}', flush=True)
time.sleep(600)
"""

# Starts a process that shares its stdout and stderr and outlives it, then ignores Ctrl-C: kill -9 ends only it.
PIPE_SHARING_CHILD = """
import json, signal, subprocess, sys, time
sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])
signal.signal(signal.SIGINT, signal.SIG_IGN)
print(json.dumps({"progress": {"step": 0, "sleeper": sleeper.pid}}), flush=True)
time.sleep(600)
"""


async def _start(code: str) -> asyncio.subprocess.Process:
    pipe = asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=pipe, stderr=pipe)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_cancelled_run_ends_though_its_child_floods_the_pipe_while_stopping() -> None:
    async def run() -> tuple[bool, int]:
        process = await _start(FLOODING_CHILD)
        started = asyncio.Event()

        def on_progress(record: dict[str, Any]) -> None:
            started.set()

        task = asyncio.create_task(follow(process, on_progress))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        # before the fix: never, the child long dead
        done, _ = await asyncio.wait({task}, timeout=GRACE_S + 15)
        return task in done and task.cancelled(), process.pid

    ended, pid = asyncio.run(run())
    assert ended
    assert not _alive(pid)


def test_a_cancelled_run_ends_though_a_process_its_child_started_holds_the_pipes() -> None:
    async def run() -> tuple[bool, bool]:
        process = await _start(PIPE_SHARING_CHILD)
        records: list[dict[str, Any]] = []
        started = asyncio.Event()

        def on_progress(record: dict[str, Any]) -> None:
            records.append(record)
            started.set()

        task = asyncio.create_task(follow(process, on_progress))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=2 * GRACE_S + 15)  # without the bound: never
        ended = task in done and task.cancelled()
        dead = process.returncode is not None
        os.kill(records[0]["sleeper"], signal.SIGKILL)  # the pipes close, and asyncio's side with them
        assert process.stdout is not None and process.stderr is not None
        await asyncio.wait_for(asyncio.gather(process.stdout.read(), process.stderr.read()), 15)
        return ended, dead

    ended, dead = asyncio.run(run())
    assert ended
    assert dead


def test_a_user_interrupt_ends_a_child_that_ignores_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "CANCEL_GRACE_S", 1.0)

    async def run() -> tuple[int, float]:
        process = await _start(DEAF_CHILD)
        cancelled = asyncio.Event()
        finished = await asyncio.wait_for(follow(process, lambda _: cancelled.set(), cancelled.is_set), 30)
        return finished.code, time.monotonic()

    start = time.monotonic()
    code, end = asyncio.run(run())
    assert code == -signal.SIGKILL
    assert end - start < 15  # without the kill: the child's ten minutes
