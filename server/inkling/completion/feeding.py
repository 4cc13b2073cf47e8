"""Background feeding: open documents read by the model on its own thread whenever no request waits for it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger("inkling.engine")

SLICE_S = 0.05  # the model thread feeds a document for at most this long at a time
DELAY_S = 0.3  # after a change, feeding the document again waits this long for typing to pause
Text = Callable[[], str | None]  # a document's text now (None once it is closed)
Feed = Callable[[str, str, Callable[[], bool]], bool]  # (document, text, stop) → done


class Feeder:
    """Feeds each changed document in slices queued on the model thread's executor; a slice stops at the
    next stride once a request is waiting, and the next slice queues behind that request."""

    def __init__(self, executor: ThreadPoolExecutor, feed: Feed) -> None:
        self.executor = executor
        self.feed = feed
        self.waiting = 0  # requests queued or running on the model thread
        self._texts: dict[str, Text] = {}  # documents to feed → their text
        self._quiet: dict[str, float] = {}  # document → when feeding it may start (typing has paused)
        self._lock = threading.Lock()

    def request(self, future: Future[Any]) -> None:
        """Count a request submitted to the model thread until it is done (or cancelled before it ran)."""
        with self._lock:
            self.waiting += 1
        future.add_done_callback(self._served)

    def _served(self, _: object) -> None:
        with self._lock:
            self.waiting -= 1

    def changed(self, document: str, text: Text, delay: float = DELAY_S) -> None:
        """Feed `document` again (from its first changed token on) once it has not changed for `delay`."""
        with self._lock:
            scheduled = document in self._texts
            self._texts[document] = text
            self._quiet[document] = time.monotonic() + delay
        if not scheduled:
            self._queue(document, delay)

    def forget(self, document: str) -> None:
        with self._lock:
            self._texts.pop(document, None)
            self._quiet.pop(document, None)

    def busy(self) -> bool:
        """Whether a document still waits to be fed (for tests and benchmarks)."""
        with self._lock:
            return bool(self._texts)

    def _slice(self, document: str) -> None:
        with self._lock:
            text = self._texts.get(document)
            wait = self._quiet.get(document, 0.0) - time.monotonic()
        if text is None:
            return
        if wait > 0:  # typing goes on: feed once it pauses
            self._queue(document, wait)
            return
        done = True
        try:
            source = text()
            if source is not None:
                deadline = time.perf_counter() + SLICE_S
                done = self.feed(document, source, lambda: self.waiting > 0 or time.perf_counter() > deadline)
        except Exception:  # a model that failed to load, a text the tokenizer refuses: no background state
            log.warning("feeding %s in the background failed", document, exc_info=True)
        with self._lock:
            if done and self._texts.get(document) is text:  # no change came in meanwhile
                del self._texts[document], self._quiet[document]
                return
        self._queue(document)  # after the requests that came in meanwhile

    def _queue(self, document: str, delay: float = 0.0) -> None:
        """Queue a slice on the model thread, at once or after `delay` seconds."""
        if delay > 0:
            timer = threading.Timer(delay, self._queue, (document,))
            timer.daemon = True
            timer.start()
            return
        try:
            self.executor.submit(self._slice, document)
        except RuntimeError:  # the executor was shut down: the server is exiting
            self.forget(document)
