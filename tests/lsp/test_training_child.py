"""The relay of a training child (lsp/training.py `follow`): cancelled (the setting turned off, the server
ending), it stops the child and ends, even when the child floods its stdout while it stops."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_cancelled_run_ends_though_its_child_floods_the_pipe_while_stopping() -> None:
    async def run() -> tuple[bool, int]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", FLOODING_CHILD, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        started = asyncio.Event()

        def on_progress(record: dict[str, Any]) -> None:
            started.set()

        task = asyncio.create_task(follow(process, on_progress))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=GRACE_S + 15)  # before the fix: never, the child long dead
        return task in done and task.cancelled(), process.pid

    ended, pid = asyncio.run(run())
    assert ended
    assert not _alive(pid)
