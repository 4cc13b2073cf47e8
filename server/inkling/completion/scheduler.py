"""The model thread: every model call runs on one dedicated thread, never on the protocol's, and per document the
newest request wins (each takes a ticket; work gives up at its next token once a newer ticket exists or the
client cancelled it)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Cancelled = Callable[[], bool]


def never() -> bool:
    """A `Cancelled` for work that nobody cancels."""
    return False


class ModelThread:
    """The executor of the model thread and the tickets of the documents' requests."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-model")
        self.last_latency_ms: float | None = None  # of the last request that was not superseded
        self.on_submit: Callable[[Future[Any]], None] | None = None  # told of each request's future
        self._tickets: dict[str, int] = {}
        self._lock = threading.Lock()

    def _take_ticket(self, document: str) -> int:
        with self._lock:
            ticket = self._tickets.get(document, 0) + 1
            self._tickets[document] = ticket
            return ticket

    async def run(self, document: str, work: Callable[[Cancelled], T], superseded: T) -> T:
        """`work(cancelled)` on the model thread for a request on `document`; `superseded` when a newer
        request for the document came before it started. Cancelling the awaiting task stops the work at its
        next check of `cancelled`."""
        ticket = self._take_ticket(document)
        stop = threading.Event()

        def cancelled() -> bool:
            return stop.is_set() or self._tickets.get(document) != ticket

        def job() -> T:
            if cancelled():  # superseded while it waited for the model thread
                return superseded
            start = time.perf_counter()
            result = work(cancelled)
            if not cancelled():
                self.last_latency_ms = (time.perf_counter() - start) * 1000
            return result

        future = self.executor.submit(job)
        if self.on_submit is not None:
            self.on_submit(future)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # $/cancelRequest: the model thread stops at its next token
            stop.set()
            raise

    async def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the model thread, outside the tickets (loading, switching models, model info)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)
