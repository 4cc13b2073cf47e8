"""The user's project as context: the workspace's files (context/workspace.py), a retrieval index over them kept
up to date on a background thread, and the token ids of the code retrieved for a cursor."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inkling.context.retrieval import Retriever, Window
from inkling.context.workspace import WorkspaceFiles, WorkspaceLimits

log = logging.getLogger("inkling.completion")

REBUILD_DELAY_S = 1.0  # after a change the index waits this long, so that a burst of changes is built once
ENCODED = 512  # encoded windows kept (least recently used first out)


class Project:
    """The workspace folders' Python files and their retrieval index; `related` answers on the caller's
    thread from whatever index is built by then (none yet: nothing)."""

    def __init__(self, folders: Sequence[Path], limits: WorkspaceLimits | None = None) -> None:
        self.files = WorkspaceFiles(folders, limits or WorkspaceLimits())
        self.retriever: Retriever | None = None
        self.build_s: float | None = None  # how long the last index build took
        self._built_version = -1
        self._encoded: OrderedDict[tuple[Path, int, str], list[int]] = OrderedDict()
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="inkling-index", daemon=True)

    def start(self) -> None:
        """Scan the workspace and build the index in the background; returns at once."""
        self.files.start()
        self._thread.start()

    def touched(self) -> None:
        """Something in the workspace changed (the caller told `files`): rebuild the index soon."""
        self._wake.set()

    def _run(self) -> None:
        while not self._closed:
            self.files.wait(timeout=3600)
            if self._closed:
                return
            if self.files.version != self._built_version:
                self._build()
            self._wake.wait(timeout=5.0)
            self._wake.clear()
            time.sleep(REBUILD_DELAY_S)

    def _build(self) -> None:
        started = time.perf_counter()
        version = self.files.version
        try:
            self.retriever = Retriever(self.files.texts(), reuse=self.retriever)
        except Exception:  # an index is an aid: without one, suggestions go on without project context
            log.warning("building the workspace index failed", exc_info=True)
            return
        self._built_version = version
        self.build_s = time.perf_counter() - started
        log.info("workspace index: %d windows in %.2f s", len(self.retriever), self.build_s)

    def stats(self) -> dict[str, Any]:
        """The index as JSON: files, windows, whether it is built for the files as they are now, its build time
        in seconds and what the scan left out."""
        retriever = self.retriever
        return {
            "files": len(retriever.files) if retriever is not None else 0,
            "windows": len(retriever) if retriever is not None else 0,
            "built": retriever is not None and self._built_version == self.files.version,
            "buildS": self.build_s,
            "skipped": self.files.skipped,
        }

    def windows(self, prefix: str, path: Path | None, k: int) -> list[Window]:
        retriever = self.retriever
        return [] if retriever is None else retriever.search(prefix, k, here=path)

    def related(self, prefix: str, path: Path | None, k: int, encode: Callable[[str], list[int]]) -> list[int]:
        """The token ids of the `k` windows most like the code before the cursor, each ending a line."""
        ids: list[int] = []
        for window in self.windows(prefix, path, k):
            key = (window.path, window.start, window.text)
            encoded = self._encoded.get(key)
            if encoded is None:
                encoded = encode(window.text + "\n\n")
                self._encoded[key] = encoded
                while len(self._encoded) > ENCODED:
                    self._encoded.popitem(last=False)
            else:
                self._encoded.move_to_end(key)
            ids += encoded
        return ids

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self.files.close()
