"""The completion engine: the loaded model on its own single-thread executor, prefix/suffix in, text out.

The newest request for a document wins: each request takes a ticket for its document, and generation
gives up at the next token once a newer ticket exists or the request was cancelled.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

from inkling.completion.gate import decide
from inkling.lm.checkpoint import LoadedModel, load_checkpoint
from inkling.lm.decode import Vocab, generate


class Engine:
    """Owns the model; every model call runs on one dedicated thread, never on the protocol's threads."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self._tickets: dict[str, int] = {}
        self._lock = threading.Lock()

    @cached_property
    def executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-model")

    @cached_property
    def loaded(self) -> LoadedModel:
        return load_checkpoint(self.model_dir)

    @cached_property
    def vocab(self) -> Vocab:
        return Vocab(self.loaded.tokenizer)

    def suggest(self, prefix: str, suffix: str, cancelled: Callable[[], bool] = lambda: False) -> str:
        """The suggestion at the end of `prefix`, in the mode the gate picks (synchronous, on this thread)."""
        return generate(self.loaded.model, self.vocab, prefix, decide(prefix, suffix), cancelled=cancelled)

    def _take_ticket(self, document: str) -> int:
        with self._lock:
            ticket = self._tickets.get(document, 0) + 1
            self._tickets[document] = ticket
            return ticket

    def _complete_sync(
        self, prefix: str, suffix: str, document: str, ticket: int, stop: threading.Event
    ) -> str:
        def cancelled() -> bool:
            return stop.is_set() or self._tickets.get(document) != ticket

        if cancelled():  # superseded while it waited for the model thread
            return ""
        return self.suggest(prefix, suffix, cancelled)

    async def complete(self, prefix: str, suffix: str, document: str = "") -> str:
        """The suggestion at the end of `prefix`; "" when a newer request for the document superseded it."""
        ticket = self._take_ticket(document)
        stop = threading.Event()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.executor, self._complete_sync, prefix, suffix, document, ticket, stop
            )
        except asyncio.CancelledError:  # $/cancelRequest: the model thread stops at its next token
            stop.set()
            raise
